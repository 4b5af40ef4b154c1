package dev.cleanroom.server.auth;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The web console's sessions, in memory: a member signs in once with its API key and the browser
 * then holds only a random session id in an HttpOnly cookie. A session ends when it is idle longer
 * than {@code cleanroom.console.session-timeout}, when its member signs out, when the server
 * restarts, and as soon as the key it was opened with is revoked or expires (the key's hash is
 * checked again on every request).
 */
@ApplicationScoped
public class ConsoleSessions {
  /** The cookie that carries the session id. */
  public static final String COOKIE = "cleanroom_session";

  /** The header a state-changing request made with the cookie must carry. */
  public static final String CSRF_HEADER = "X-CSRF-Token";

  /**
   * Sessions one member may hold at once (browsers, tabs signed in anew); a sign-in beyond it ends
   * the member's least recently used session, so that a key holder cannot fill the server's memory.
   */
  public static final int MAX_SESSIONS_PER_MEMBER = 20;

  private static final Logger LOG = Logger.getLogger(ConsoleSessions.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Keyed by the SHA-256 of the session id, so that a lookup's timing says nothing of an id. */
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  private final ApiKeyAuthenticator authenticator;
  private final Clock clock;
  private final Duration idleTimeout;

  @Inject
  public ConsoleSessions(
      ApiKeyAuthenticator authenticator,
      Clock clock,
      @ConfigProperty(name = "cleanroom.console.session-timeout") Duration idleTimeout) {
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException(
          "cleanroom.console.session-timeout must be positive, was " + idleTimeout);
    }
    this.authenticator = authenticator;
    this.clock = clock;
    this.idleTimeout = idleTimeout;
  }

  /** A session as its holder sees it: who it is and the token its state changes must carry. */
  public record SignedIn(String sessionId, String csrfToken, Caller caller) {
    public SignedIn {
      requireNonNull(sessionId, "sessionId is null");
      requireNonNull(csrfToken, "csrfToken is null");
      requireNonNull(caller, "caller is null");
    }
  }

  /**
   * Opens a session for the member holding {@code apiKey}, or refuses the key as the API does
   * ({@code UNAUTHENTICATED}, without quoting it). The operator key opens no session: the console
   * is for members of a collaboration.
   */
  public SignedIn signIn(String apiKey) {
    Caller caller = authenticator.authenticate(apiKey);
    if (caller.operator()) {
      throw new ServerException(
          ServerErrorCode.FORBIDDEN,
          "the console signs in members of a collaboration; the operator key is for the API only");
    }
    Instant now = clock.instant();
    removeExpired(now);
    removeLeastRecentlyUsedBeyondLimit(caller.memberId());
    String sessionId = randomToken();
    String csrfToken = randomToken();
    sessions.put(
        ApiKeys.hash(sessionId),
        new Session(ApiKeys.hash(apiKey.trim()), csrfToken, caller.memberId(), now));
    LOG.infof(
        "event=console_signed_in member=%s collaboration=%s",
        caller.member(), caller.collaboration());
    return new SignedIn(sessionId, csrfToken, caller);
  }

  /**
   * The live session with this id, its idle time restarted, and its member as it stands now; empty
   * when there is no such session, it has been idle too long, or its key no longer works (the
   * session is then ended).
   */
  public Optional<SignedIn> find(String sessionId) {
    if (sessionId == null || sessionId.isEmpty()) {
      return Optional.empty();
    }
    String id = ApiKeys.hash(sessionId);
    Session session = sessions.get(id);
    if (session == null) {
      return Optional.empty();
    }
    Instant now = clock.instant();
    synchronized (session) {
      if (!now.isBefore(session.lastUsed.plus(idleTimeout))) {
        sessions.remove(id, session);
        return Optional.empty();
      }
      session.lastUsed = now;
    }
    Optional<Caller> caller =
        authenticator
            .memberHoldingKeyHash(session.keyHash)
            .filter(member -> member.memberId() == session.memberId);
    if (caller.isEmpty()) {
      sessions.remove(id, session);
      return Optional.empty();
    }
    return Optional.of(new SignedIn(sessionId, session.csrfToken, caller.get()));
  }

  /** Whether {@code given} is the session's CSRF token, compared in constant time. */
  public static boolean csrfTokenMatches(SignedIn session, String given) {
    return given != null && ApiKeys.same(session.csrfToken(), given);
  }

  /** Ends the session with this id, if there is one. */
  public void signOut(String sessionId) {
    if (sessionId != null && sessions.remove(ApiKeys.hash(sessionId)) != null) {
      LOG.info("event=console_signed_out");
    }
  }

  /** The idle time after which a session ends. */
  public Duration idleTimeout() {
    return idleTimeout;
  }

  private void removeExpired(Instant now) {
    sessions
        .entrySet()
        .removeIf(entry -> !now.isBefore(entry.getValue().lastUsed().plus(idleTimeout)));
  }

  private synchronized void removeLeastRecentlyUsedBeyondLimit(long memberId) {
    List<Map.Entry<String, Session>> own =
        sessions.entrySet().stream()
            .filter(entry -> entry.getValue().memberId == memberId)
            .sorted(Comparator.comparing(entry -> entry.getValue().lastUsed()))
            .toList();
    for (int i = 0; i <= own.size() - MAX_SESSIONS_PER_MEMBER; i++) {
      sessions.remove(own.get(i).getKey(), own.get(i).getValue());
    }
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  /** What the server keeps of a session: never the key itself, only its hash. */
  private static final class Session {
    private final String keyHash;
    private final String csrfToken;
    private final long memberId;
    private volatile Instant lastUsed;

    Session(String keyHash, String csrfToken, long memberId, Instant lastUsed) {
      this.keyHash = keyHash;
      this.csrfToken = csrfToken;
      this.memberId = memberId;
      this.lastUsed = lastUsed;
    }

    Instant lastUsed() {
      return lastUsed;
    }
  }
}
