package dev.cleanroom.server.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.query.Answer;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;

class FlightTicketsTest {
  private static final Caller ANALYST =
      Caller.member(1, "advertiser", 7, "c", Set.of(Role.ANALYST));
  private static final Caller OTHER = Caller.member(2, "analyst2", 7, "c", Set.of(Role.ANALYST));

  private final MutableClock clock = new MutableClock();
  private final FlightTickets tickets = new FlightTickets(clock, Duration.ofMinutes(5));

  @Test
  void ticket_readOnceByItsMember() {
    Answer answer = answer("q-1");
    byte[] ticket = tickets.keep(ANALYST, answer);
    assertEquals(FlightTickets.TICKET_BYTES, ticket.length);
    assertSame(answer, tickets.take(ANALYST, ticket));
    assertNotFound(() -> tickets.take(ANALYST, ticket));
  }

  @Test
  void anotherMembersTicket_notFoundAndStillThere() {
    byte[] ticket = tickets.keep(ANALYST, answer("q-1"));
    assertNotFound(() -> tickets.take(OTHER, ticket));
    assertEquals("q-1", tickets.take(ANALYST, ticket).queryId());
  }

  @Test
  void expiredTicket_notFoundAndDroppedAtTheNextKeep() {
    byte[] ticket = tickets.keep(ANALYST, answer("q-1"));
    clock.now = clock.now.plus(Duration.ofMinutes(5));
    assertNotFound(() -> tickets.take(ANALYST, ticket));
    tickets.keep(ANALYST, answer("q-2"));
    assertEquals(1, tickets.size());
  }

  @Test
  void tooManyUnread_oldestDropped() {
    byte[] oldest = tickets.keep(ANALYST, answer("q-0"));
    for (int i = 1; i <= FlightTickets.MAX_WAITING_PER_MEMBER; i++) {
      clock.now = clock.now.plusSeconds(1);
      tickets.keep(ANALYST, answer("q-" + i));
    }
    assertEquals(FlightTickets.MAX_WAITING_PER_MEMBER, tickets.size());
    assertNotFound(() -> tickets.take(ANALYST, oldest));
  }

  @Test
  void likePattern_percentAndUnderscoreOnly() {
    assertTrue(LikePattern.of("ret%").matches("retailer"));
    assertTrue(LikePattern.of("cust_mers").matches("customers"));
    assertTrue(LikePattern.of("%ail%").matches("retailer"));
    assertTrue(LikePattern.of("%%r").matches("retailer"));
    assertTrue(!LikePattern.of("a.c").matches("abc"));
    assertTrue(!LikePattern.of("ret%x").matches("retailer"));
    assertTrue(!LikePattern.of("_").matches(""));
    assertTrue(LikePattern.of(null).matches("anything"));
    // Many % against a long name that does not match: linear, where a regular expression's
    // backtracking took minutes.
    String name = "a".repeat(63);
    long started = System.nanoTime();
    assertTrue(!LikePattern.of("%".repeat(40) + "!").matches(name));
    assertTrue(System.nanoTime() - started < 1_000_000_000L, "matching must not backtrack");
    assertThrows(
        ServerException.class, () -> LikePattern.of("%".repeat(LikePattern.MAX_LENGTH + 1)));
  }

  private static void assertNotFound(Runnable call) {
    FlightRuntimeException refused = assertThrows(FlightRuntimeException.class, call::run);
    assertEquals(FlightStatusCode.NOT_FOUND, refused.status().code());
  }

  private static Answer answer(String queryId) {
    return new Answer(
        queryId,
        List.of(new Answer.AnswerColumn("reach", "BIGINT")),
        List.of(List.of(120L)),
        new Answer.PrivacyReport(
            new BigDecimal("0.5"), BigDecimal.ONE, 0, 50, 0L, false, List.of()),
        Map.of(),
        Map.of());
  }

  private static final class MutableClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneOffset getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void concurrentKeeps_neverExceedTheLimitPerMember() throws Exception {
    int threads = 8;
    AtomicInteger largest = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < 2_000; i++) {
                    tickets.keep(ANALYST, answer("q-" + i));
                    largest.accumulateAndGet(tickets.size(), Math::max);
                  }
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> future : done) {
        future.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(FlightTickets.MAX_WAITING_PER_MEMBER, tickets.size());
    assertEquals(FlightTickets.MAX_WAITING_PER_MEMBER, largest.get(), "never more, at any moment");
  }
}
