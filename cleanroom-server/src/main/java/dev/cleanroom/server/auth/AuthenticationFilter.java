package dev.cleanroom.server.auth;

import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every REST call by its {@code Authorization: Bearer} key. What is not a REST
 * resource never reaches this filter: the OpenAPI document and Swagger UI (public), and health and
 * metrics (on the management port).
 */
public class AuthenticationFilter {
  private static final String BEARER = "Bearer ";

  private final ApiKeyAuthenticator authenticator;
  private final CurrentCaller currentCaller;

  @Inject
  public AuthenticationFilter(ApiKeyAuthenticator authenticator, CurrentCaller currentCaller) {
    this.authenticator = authenticator;
    this.currentCaller = currentCaller;
  }

  @ServerRequestFilter
  public Optional<Response> authenticate(ContainerRequestContext request) {
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return refuse("an 'Authorization: Bearer <api key>' header is required");
    }
    try {
      currentCaller.set(authenticator.authenticate(header.substring(BEARER.length())));
      return Optional.empty();
    } catch (ServerException refused) {
      return refuse(refused.getMessage());
    }
  }

  private static Optional<Response> refuse(String detail) {
    Response response = Problem.of(ServerErrorCode.UNAUTHENTICATED, detail).toResponse();
    return Optional.of(
        Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
  }
}
