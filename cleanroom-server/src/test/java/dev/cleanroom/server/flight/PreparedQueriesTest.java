package dev.cleanroom.server.flight;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.Role;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

class PreparedQueriesTest {
  private static final Caller ANALYST =
      Caller.member(1, "advertiser", 7, "c", Set.of(Role.ANALYST));
  private static final Caller OTHER = Caller.member(2, "analyst2", 7, "c", Set.of(Role.ANALYST));

  private final PreparedQueries prepared =
      new PreparedQueries(Clock.systemUTC(), Duration.ofMinutes(10));

  @Test
  void statement_isItsMembersOnly_untilClosed() {
    byte[] handle = prepared.prepare(ANALYST, "SELECT 1");
    assertEquals("SELECT 1", prepared.sql(ANALYST, handle));
    assertNotFound(() -> prepared.sql(OTHER, handle));
    assertNotFound(() -> prepared.close(OTHER, handle));
    prepared.close(ANALYST, handle);
    assertNotFound(() -> prepared.sql(ANALYST, handle));
  }

  @Test
  void concurrentPrepares_neverExceedTheLimitPerMember() throws Exception {
    int threads = 8;
    AtomicInteger granted = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  start.await();
                  for (int i = 0; i < PreparedQueries.MAX_PER_MEMBER; i++) {
                    try {
                      prepared.prepare(ANALYST, "SELECT " + i);
                      granted.incrementAndGet();
                    } catch (FlightRuntimeException e) {
                      assertEquals(FlightStatusCode.RESOURCE_EXHAUSTED, e.status().code());
                    }
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
    assertEquals(PreparedQueries.MAX_PER_MEMBER, granted.get());
    // Another member's allowance is its own.
    prepared.prepare(OTHER, "SELECT 1");
  }

  private static void assertNotFound(Runnable call) {
    FlightRuntimeException e = assertThrows(FlightRuntimeException.class, call::run);
    assertEquals(FlightStatusCode.NOT_FOUND, e.status().code());
  }
}
