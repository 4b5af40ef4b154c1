package dev.cleanroom.server.auth;

import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerErrorCode;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Authenticates every REST call by its {@code Authorization: Bearer} key. What is not a REST
 * resource never reaches this filter: the OpenAPI document and Swagger UI (public), and health and
 * metrics (on the management port).
 */
public class AuthenticationFilter {
  private static final Logger LOG = Logger.getLogger(AuthenticationFilter.class);
  private static final String BEARER = "Bearer ";

  private final MemberDirectory members;
  private final CurrentCaller currentCaller;
  private final Optional<String> operatorKey;
  private final boolean demoEnabled;
  private final Clock clock;

  @Inject
  public AuthenticationFilter(
      MemberDirectory members,
      CurrentCaller currentCaller,
      Clock clock,
      @ConfigProperty(name = "cleanroom.operator-key") Optional<String> operatorKey,
      @ConfigProperty(name = "cleanroom.demo.enabled") boolean demoEnabled) {
    this.members = members;
    this.currentCaller = currentCaller;
    this.operatorKey = operatorKey.filter(key -> !key.isBlank());
    this.demoEnabled = demoEnabled;
    this.clock = clock;
  }

  @ServerRequestFilter
  public Optional<Response> authenticate(ContainerRequestContext request) {
    String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
    if (header == null || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return refuse("an 'Authorization: Bearer <api key>' header is required");
    }
    String key = header.substring(BEARER.length()).trim();
    if (key.isEmpty()) {
      return refuse("the API key is empty");
    }
    if (ApiKeys.DEMO_KEYS.contains(key) && !demoEnabled) {
      LOG.warn("event=demo_key_refused");
      return refuse("demo keys are accepted only by a server running the demo profile");
    }
    if (operatorKey.isPresent() && ApiKeys.same(operatorKey.get(), key)) {
      currentCaller.set(Caller.operatorCaller());
      return Optional.empty();
    }
    Optional<Caller> caller = members.findByKeyHash(ApiKeys.hash(key), clock.instant());
    if (caller.isEmpty()) {
      return refuse("the API key is not valid");
    }
    currentCaller.set(caller.get());
    return Optional.empty();
  }

  private static Optional<Response> refuse(String detail) {
    Response response = Problem.of(ServerErrorCode.UNAUTHENTICATED, detail).toResponse();
    return Optional.of(
        Response.fromResponse(response).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build());
  }
}
