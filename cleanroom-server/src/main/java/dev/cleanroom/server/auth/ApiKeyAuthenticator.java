package dev.cleanroom.server.auth;

import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one place that decides who an API key belongs to, for the REST filter and the Flight SQL
 * endpoint alike; the key is checked on every call, so a revoked or expired key stops working at
 * once.
 */
@ApplicationScoped
public class ApiKeyAuthenticator {
  private static final Logger LOG = Logger.getLogger(ApiKeyAuthenticator.class);

  private final MemberDirectory members;
  private final Optional<String> operatorKey;
  private final boolean demoEnabled;
  private final Clock clock;

  @Inject
  public ApiKeyAuthenticator(
      MemberDirectory members,
      Clock clock,
      @ConfigProperty(name = "cleanroom.operator-key") Optional<String> operatorKey,
      @ConfigProperty(name = "cleanroom.demo.enabled") boolean demoEnabled) {
    this.members = members;
    this.operatorKey = operatorKey.filter(key -> !key.isBlank());
    this.demoEnabled = demoEnabled;
    this.clock = clock;
  }

  /**
   * The caller holding {@code key}, or an {@code UNAUTHENTICATED} refusal whose message says why
   * without quoting the key.
   */
  public Caller authenticate(String key) {
    if (key == null || key.isBlank()) {
      throw unauthenticated("the API key is empty");
    }
    String trimmed = key.trim();
    if (ApiKeys.DEMO_KEYS.contains(trimmed) && !demoEnabled) {
      LOG.warn("event=demo_key_refused");
      throw unauthenticated("demo keys are accepted only by a server running the demo profile");
    }
    if (operatorKey.isPresent() && ApiKeys.same(operatorKey.get(), trimmed)) {
      return Caller.operatorCaller();
    }
    return members
        .findByKeyHash(ApiKeys.hash(trimmed), clock.instant())
        .orElseThrow(() -> unauthenticated("the API key is not valid"));
  }

  /**
   * The member holding a key with this hash that still works now (not revoked, not expired), for a
   * console session opened with that key.
   */
  public Optional<Caller> memberHoldingKeyHash(String keyHash) {
    return members.findByKeyHash(keyHash, clock.instant());
  }

  private static ServerException unauthenticated(String detail) {
    return new ServerException(ServerErrorCode.UNAUTHENTICATED, detail);
  }
}
