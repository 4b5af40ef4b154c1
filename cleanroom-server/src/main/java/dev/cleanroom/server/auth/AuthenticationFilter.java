package dev.cleanroom.server.auth;

import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.Cookie;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every REST call by its {@code Authorization: Bearer} key or, from the web console,
 * by its session cookie ({@link ConsoleSessions}); a state-changing call made with the cookie must
 * also carry the session's CSRF token. What is not a REST resource never reaches this filter: the
 * console's static files, the OpenAPI document and Swagger UI (public), and health and metrics (on
 * the management port).
 */
public class AuthenticationFilter {
  private static final String BEARER = "Bearer ";
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final ApiKeyAuthenticator authenticator;
  private final ConsoleSessions sessions;
  private final CurrentCaller currentCaller;

  @Inject
  public AuthenticationFilter(
      ApiKeyAuthenticator authenticator, ConsoleSessions sessions, CurrentCaller currentCaller) {
    this.authenticator = authenticator;
    this.sessions = sessions;
    this.currentCaller = currentCaller;
  }

  @ServerRequestFilter
  public Optional<Response> authenticate(ContainerRequestContext request, ResourceInfo resource) {
    Method method = resource.getResourceMethod();
    if (method != null && method.isAnnotationPresent(AuthenticatesItself.class)) {
      return Optional.empty();
    }
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header != null) {
      return authenticateByKey(header);
    }
    Cookie cookie = request.getCookies().get(ConsoleSessions.COOKIE);
    if (cookie == null) {
      return refuse("an 'Authorization: Bearer <api key>' header is required");
    }
    return authenticateBySession(request, cookie.getValue());
  }

  private Optional<Response> authenticateByKey(String header) {
    if (!header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return refuse("an 'Authorization: Bearer <api key>' header is required");
    }
    try {
      currentCaller.set(authenticator.authenticate(header.substring(BEARER.length())));
      return Optional.empty();
    } catch (ServerException refused) {
      return refuse(refused.getMessage());
    }
  }

  private Optional<Response> authenticateBySession(
      ContainerRequestContext request, String sessionId) {
    Optional<ConsoleSessions.SignedIn> session = sessions.find(sessionId);
    if (session.isEmpty()) {
      return refuse("the console session has ended or does not exist; sign in again");
    }
    if (!SAFE_METHODS.contains(request.getMethod())) {
      String token = request.getHeaderString(ConsoleSessions.CSRF_HEADER);
      if (token == null || token.isEmpty()) {
        return Optional.of(
            Problem.of(
                    ServerErrorCode.CSRF_TOKEN_MISSING,
                    "a request that changes state with the console's session cookie must carry"
                        + " the session's token in the '"
                        + ConsoleSessions.CSRF_HEADER
                        + "' header")
                .toResponse());
      }
      if (!ConsoleSessions.csrfTokenMatches(session.get(), token)) {
        return Optional.of(
            Problem.of(
                    ServerErrorCode.CSRF_TOKEN_MISMATCH,
                    "the '" + ConsoleSessions.CSRF_HEADER + "' header is not this session's token")
                .toResponse());
      }
    }
    currentCaller.set(session.get().caller());
    return Optional.empty();
  }

  private static Optional<Response> refuse(String detail) {
    Response response = Problem.of(ServerErrorCode.UNAUTHENTICATED, detail).toResponse();
    return Optional.of(
        Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
  }
}
