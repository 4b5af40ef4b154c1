package dev.cleanroom.server.console;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cleanroom.server.api.Bodies;
import dev.cleanroom.server.auth.AuthenticatesItself;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.ConsoleSessions;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.CookieParam;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The web console's session: signing in with a member's API key (answered with an HttpOnly,
 * SameSite=Strict cookie and the CSRF token the console sends with every change), reading the
 * session back after a page load (a browser without one is told so, not refused), and signing out.
 */
@Tag(name = "Console")
@Path("/api/v1/console/session")
@Produces(MediaType.APPLICATION_JSON)
public class ConsoleSessionResource {
  private final ConsoleSessions sessions;
  private final boolean secureCookie;

  @Inject
  public ConsoleSessionResource(
      ConsoleSessions sessions,
      @ConfigProperty(name = "cleanroom.console.secure-cookie") boolean secureCookie) {
    this.sessions = sessions;
    this.secureCookie = secureCookie;
  }

  /** The body of a sign-in. */
  public record SignIn(String apiKey) {}

  /**
   * The signed-in member as the console shows it, and the token its state changes must carry in
   * {@code X-CSRF-Token}.
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record SessionView(
      boolean signedIn,
      String member,
      String collaboration,
      List<Role> roles,
      String csrfToken,
      Long idleTimeoutSeconds) {
    static final SessionView NONE = new SessionView(false, null, null, null, null, null);
  }

  @Operation(
      summary =
          "Sign in to the web console with a member's API key: answers a session cookie (HttpOnly,"
              + " SameSite=Strict) and the session's CSRF token")
  @APIResponse(responseCode = "200", description = "Signed in")
  @APIResponse(responseCode = "400", description = "No API key in the body")
  @APIResponse(
      responseCode = "401",
      description =
          "The key is not valid (unknown, revoked, expired, or a demo key outside the demo)")
  @APIResponse(responseCode = "403", description = "The operator key, which opens no session")
  @POST
  @Consumes(MediaType.APPLICATION_JSON)
  @AuthenticatesItself
  public Response signIn(SignIn body) {
    String apiKey = Bodies.require(body).apiKey();
    if (apiKey == null || apiKey.isBlank()) {
      throw ServerException.malformed("field 'apiKey' is required");
    }
    ConsoleSessions.SignedIn session = sessions.signIn(apiKey);
    return Response.ok(view(session))
        .header(HttpHeaders.SET_COOKIE, cookie(session.sessionId(), false))
        .header(HttpHeaders.CACHE_CONTROL, "no-store")
        .build();
  }

  @Operation(
      summary =
          "The console session of this browser: who is signed in and its CSRF token, or signedIn"
              + " false (no session, or it has ended)")
  @APIResponse(responseCode = "200", description = "The session, or signedIn false")
  @GET
  @AuthenticatesItself
  public Response current(@CookieParam(ConsoleSessions.COOKIE) String sessionId) {
    SessionView view = sessions.find(sessionId).map(this::view).orElse(SessionView.NONE);
    return Response.ok(view).header(HttpHeaders.CACHE_CONTROL, "no-store").build();
  }

  @Operation(summary = "Sign out of the web console: the session ends at once")
  @APIResponse(responseCode = "204", description = "Signed out")
  @APIResponse(
      responseCode = "403",
      description = "Made with the session cookie without the session's X-CSRF-Token")
  @DELETE
  public Response signOut(@CookieParam(ConsoleSessions.COOKIE) String sessionId) {
    sessions.signOut(sessionId);
    return Response.noContent().header(HttpHeaders.SET_COOKIE, cookie("", true)).build();
  }

  private SessionView view(ConsoleSessions.SignedIn session) {
    Caller caller = session.caller();
    return new SessionView(
        true,
        caller.member(),
        caller.collaboration(),
        caller.roles().stream().sorted().toList(),
        session.csrfToken(),
        sessions.idleTimeout().toSeconds());
  }

  /**
   * The session cookie: no Max-Age (it ends with the browser, or sooner on the server), sent back
   * only to this origin's own pages, never readable by a script.
   */
  private String cookie(String value, boolean expire) {
    StringBuilder cookie =
        new StringBuilder(ConsoleSessions.COOKIE)
            .append('=')
            .append(value)
            .append("; Path=/; HttpOnly; SameSite=Strict");
    if (secureCookie) {
      cookie.append("; Secure");
    }
    if (expire) {
      cookie.append("; Max-Age=0");
    }
    return cookie.toString();
  }
}
