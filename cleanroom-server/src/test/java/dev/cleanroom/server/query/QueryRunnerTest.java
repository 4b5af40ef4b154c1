package dev.cleanroom.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.querypolicy.noise.NoisyLimit;
import dev.cleanroom.querypolicy.noise.SecureNoiseSource;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The query thread's two phases, its time limit, and its share of the member's admission slot: a
 * query given up at its time limit is answered at once but keeps the slot until its work ends.
 */
class QueryRunnerTest {
  private static final long MEMBER = 7;
  private static final long MEMORY = 1L << 20;
  private static final NoisyLimit SHORT_TIME = NoisyLimit.around(200);
  private static final NoisyLimit LONG_TIME = NoisyLimit.around(60_000);

  private final QueryAdmission admission = new QueryAdmission(1);
  private QueryRunner runner;

  @AfterEach
  void stopRunner() {
    runner.stop();
  }

  @Test
  void queryPastItsTimeLimit_answeredAtOnce_butItsMemberWaitsUntilItsWorkEnds() throws Exception {
    runner = runner(SHORT_TIME);
    CountDownLatch executing = new CountDownLatch(1);
    CountDownLatch mayEnd = new CountDownLatch(1);
    AtomicBoolean interrupted = new AtomicBoolean();

    try (QueryAdmission.Slot slot = admission.admit(MEMBER)) {
      ServerException timedOut =
          assertThrows(
              ServerException.class,
              () ->
                  runner.run(
                      "q-slow",
                      slot,
                      () -> new LeasedTables(Map.of()),
                      (tables, limits) -> {
                        executing.countDown();
                        interrupted.set(sleepUntilInterrupted());
                        // An engine that takes its time to stop after the interrupt.
                        awaitUninterruptibly(mayEnd);
                        return List.of();
                      }));
      assertEquals(ServerErrorCode.QUERY_FAILED, timedOut.code());
      assertEquals("the query did not finish within its time limit", timedOut.getMessage());
    }

    assertTrue(executing.await(10, TimeUnit.SECONDS));
    ServerException refused = assertThrows(ServerException.class, () -> admission.admit(MEMBER));
    assertEquals(ServerErrorCode.TOO_MANY_QUERIES, refused.code());
    admission.admit(MEMBER + 1).close();

    mayEnd.countDown();
    awaitAdmission(MEMBER).close();
    assertTrue(interrupted.get(), "the query thread was not interrupted at the time limit");
  }

  @Test
  void loadThatFails_isALoadPhaseFailure_andTheSlotIsFreeWhenItIsReported() {
    runner = runner(LONG_TIME);
    ConnectorException unreadable =
        new ConnectorException(ConnectorErrorCode.INTEGRITY_FAILURE, "a version is corrupt");

    try (QueryAdmission.Slot slot = admission.admit(MEMBER)) {
      LoadPhaseFailure failure =
          assertThrows(
              LoadPhaseFailure.class,
              () ->
                  runner.run(
                      "q-load",
                      slot,
                      () -> {
                        throw unreadable;
                      },
                      (tables, limits) -> List.of()));
      assertSame(unreadable, failure.failure());
    }

    admission.admit(MEMBER).close();
  }

  @Test
  void loadThatRunsOutOfArrowMemory_isNotALoadPhaseFailure() {
    runner = runner(LONG_TIME);
    // Whether the versions fit depends on their sizes, which one row can change: charged.
    org.apache.arrow.memory.OutOfMemoryException full =
        new org.apache.arrow.memory.OutOfMemoryException("the process's allocator is full");

    try (QueryAdmission.Slot slot = admission.admit(MEMBER)) {
      RuntimeException thrown =
          assertThrows(
              RuntimeException.class,
              () ->
                  runner.run(
                      "q-load-memory",
                      slot,
                      () -> {
                        throw full;
                      },
                      (tables, limits) -> List.of()));
      assertSame(full, thrown);
    }
  }

  @Test
  void executionThatFails_isThrownAsItIs_evenWhenTheStoreFailed() {
    runner = runner(LONG_TIME);
    ConnectorException storeFailure =
        new ConnectorException(ConnectorErrorCode.STORAGE_FAILURE, "the store failed");

    try (QueryAdmission.Slot slot = admission.admit(MEMBER)) {
      ConnectorException thrown =
          assertThrows(
              ConnectorException.class,
              () ->
                  runner.run(
                      "q-execute",
                      slot,
                      () -> new LeasedTables(Map.of()),
                      (tables, limits) -> {
                        throw storeFailure;
                      }));
      assertSame(storeFailure, thrown);
    }
  }

  @Test
  void loadPastTheTimeLimit_isATimeout_notALoadPhaseFailure() {
    runner = runner(SHORT_TIME);

    try (QueryAdmission.Slot slot = admission.admit(MEMBER)) {
      ServerException timedOut =
          assertThrows(
              ServerException.class,
              () ->
                  runner.run(
                      "q-load-slow",
                      slot,
                      () -> {
                        sleepUntilInterrupted();
                        throw new ConnectorException(
                            ConnectorErrorCode.STORAGE_FAILURE, "reading was interrupted");
                      },
                      (tables, limits) -> List.of()));
      assertEquals("the query did not finish within its time limit", timedOut.getMessage());
    }
  }

  @Test
  void execution_readsWhatTheLoadLeased_withinTheDrawnLimits() {
    runner = runner(LONG_TIME);
    LeasedTables leased = new LeasedTables(Map.of());
    AtomicReference<LeasedTables> executedOver = new AtomicReference<>();
    Object[] row = {1L};

    List<Object[]> rows;
    try (QueryAdmission.Slot slot = admission.admit(MEMBER)) {
      rows =
          runner.run(
              "q-rows",
              slot,
              () -> leased,
              (tables, limits) -> {
                executedOver.set(tables);
                assertEquals(2, limits.parallelism());
                assertTrue(
                    limits.maxMemoryBytes() >= MEMORY / 2 && limits.maxMemoryBytes() <= MEMORY,
                    "memory limit " + limits.maxMemoryBytes());
                return List.<Object[]>of(row);
              });
    }

    assertSame(leased, executedOver.get());
    assertEquals(1, rows.size());
    assertSame(row, rows.get(0));
  }

  @Test
  void interruptedWhileWaiting_cancelled_andTheSlotFreesOnceTheWorkEnds() throws Exception {
    runner = runner(LONG_TIME);
    CountDownLatch mayEnd = new CountDownLatch(1);

    try (QueryAdmission.Slot slot = admission.admit(MEMBER)) {
      Thread.currentThread().interrupt();
      ServerException cancelled =
          assertThrows(
              ServerException.class,
              () ->
                  runner.run(
                      "q-cancelled",
                      slot,
                      () -> new LeasedTables(Map.of()),
                      (tables, limits) -> {
                        awaitUninterruptibly(mayEnd);
                        return List.of();
                      }));
      assertEquals("the query was cancelled", cancelled.getMessage());
      assertTrue(Thread.interrupted(), "the waiting thread's interrupt was not kept");
    }

    mayEnd.countDown();
    awaitAdmission(MEMBER).close();
  }

  private static QueryRunner runner(NoisyLimit time) {
    return new QueryRunner(time, NoisyLimit.around(MEMORY), 2, SecureNoiseSource.create());
  }

  /** The member's next slot, once the query holding its only one has ended. */
  private QueryAdmission.Slot awaitAdmission(long member) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        return admission.admit(member);
      } catch (ServerException refused) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the member's slot was never freed", refused);
        }
        Thread.sleep(5);
      }
    }
  }

  /** Sleeps until the thread is interrupted; whether it was, within a minute. */
  private static boolean sleepUntilInterrupted() {
    try {
      Thread.sleep(60_000);
      return false;
    } catch (InterruptedException e) {
      return true;
    }
  }

  private static void awaitUninterruptibly(CountDownLatch latch) {
    boolean interrupted = false;
    while (true) {
      try {
        latch.await();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
