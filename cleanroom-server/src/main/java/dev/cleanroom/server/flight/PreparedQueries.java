package dev.cleanroom.server.flight;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.server.auth.Caller;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.CallStatus;

/**
 * Prepared statements: the SQL under a random handle bound to the member that prepared it. A
 * statement unused for {@code idleTimeout} is forgotten, and a member may hold only so many.
 */
final class PreparedQueries {
  static final int HANDLE_BYTES = 32;
  static final int MAX_PER_MEMBER = 64;

  private record Prepared(long memberId, String sql, Instant lastUsed) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<Handle, Prepared> prepared = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration idleTimeout;

  PreparedQueries(Clock clock, Duration idleTimeout) {
    this.clock = requireNonNull(clock, "clock is null");
    this.idleTimeout = requireNonNull(idleTimeout, "idleTimeout is null");
  }

  /**
   * A new handle for {@code sql}. Synchronized so that the limit per member holds under concurrent
   * calls (the count and the insertion are one step); lookups stay lock-free.
   */
  synchronized byte[] prepare(Caller caller, String sql) {
    Instant now = clock.instant();
    prepared.values().removeIf(p -> p.lastUsed().plus(idleTimeout).isBefore(now));
    long held = prepared.values().stream().filter(p -> p.memberId() == caller.memberId()).count();
    if (held >= MAX_PER_MEMBER) {
      throw CallStatus.RESOURCE_EXHAUSTED
          .withDescription(
              "Too many prepared statements: close some; a member may hold " + MAX_PER_MEMBER)
          .toRuntimeException();
    }
    byte[] handle = new byte[HANDLE_BYTES];
    random.nextBytes(handle);
    prepared.put(new Handle(handle), new Prepared(caller.memberId(), sql, now));
    return handle;
  }

  /** The SQL of {@code caller}'s prepared statement {@code handle}. */
  String sql(Caller caller, byte[] handle) {
    Handle key = new Handle(handle);
    Prepared statement = prepared.get(key);
    Instant now = clock.instant();
    if (statement == null || statement.memberId() != caller.memberId()) {
      throw unknown();
    }
    if (statement.lastUsed().plus(idleTimeout).isBefore(now)) {
      prepared.remove(key, statement);
      throw unknown();
    }
    prepared.replace(key, statement, new Prepared(statement.memberId(), statement.sql(), now));
    return statement.sql();
  }

  void close(Caller caller, byte[] handle) {
    Handle key = new Handle(handle);
    Prepared statement = prepared.get(key);
    if (statement == null || statement.memberId() != caller.memberId()) {
      throw unknown();
    }
    prepared.remove(key, statement);
  }

  private static RuntimeException unknown() {
    return CallStatus.NOT_FOUND
        .withDescription("Not found: the prepared statement is unknown or closed")
        .toRuntimeException();
  }
}
