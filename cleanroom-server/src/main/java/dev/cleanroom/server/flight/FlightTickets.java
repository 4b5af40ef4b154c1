package dev.cleanroom.server.flight;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.query.Answer;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.flight.CallStatus;

/**
 * Answers waiting to be streamed: a query runs (and is charged) once, in {@code GetFlightInfo}; its
 * answer waits here under a random ticket bound to the member that asked, is read once by {@code
 * DoGet} and dropped, or dropped unread after a short time. An unknown, expired, read or foreign
 * ticket is refused the same way.
 */
final class FlightTickets {
  static final int TICKET_BYTES = 32;

  /** Unread answers one member may leave waiting; the oldest is dropped beyond it. */
  static final int MAX_WAITING_PER_MEMBER = 16;

  private record Waiting(long memberId, Answer answer, Instant expires) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<Handle, Waiting> waiting = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration timeToLive;

  FlightTickets(Clock clock, Duration timeToLive) {
    this.clock = requireNonNull(clock, "clock is null");
    this.timeToLive = requireNonNull(timeToLive, "timeToLive is null");
  }

  /**
   * Keeps {@code answer} for {@code caller}; answers its ticket. Synchronized so that the limit per
   * member holds under concurrent calls (the count and the insertion are one step); reads stay
   * lock-free.
   */
  synchronized byte[] keep(Caller caller, Answer answer) {
    Instant now = clock.instant();
    waiting.values().removeIf(entry -> !entry.expires().isAfter(now));
    dropOldestBeyondLimit(caller.memberId());
    byte[] ticket = new byte[TICKET_BYTES];
    random.nextBytes(ticket);
    waiting.put(new Handle(ticket), new Waiting(caller.memberId(), answer, now.plus(timeToLive)));
    return ticket;
  }

  /** The answer behind {@code ticket}, once, for the member it was kept for. */
  Answer take(Caller caller, byte[] ticket) {
    Handle handle = new Handle(ticket);
    Waiting entry = waiting.get(handle);
    if (entry == null
        || entry.memberId() != caller.memberId()
        || !entry.expires().isAfter(clock.instant())
        || !waiting.remove(handle, entry)) {
      throw CallStatus.NOT_FOUND
          .withDescription("Not found: the ticket is unknown, expired or already read")
          .toRuntimeException();
    }
    return entry.answer();
  }

  int size() {
    return waiting.size();
  }

  private void dropOldestBeyondLimit(long memberId) {
    while (waiting.values().stream().filter(w -> w.memberId() == memberId).count()
        >= MAX_WAITING_PER_MEMBER) {
      waiting.entrySet().stream()
          .filter(e -> e.getValue().memberId() == memberId)
          .min(Comparator.comparing(e -> e.getValue().expires()))
          .ifPresent(e -> waiting.remove(e.getKey(), e.getValue()));
    }
  }
}
