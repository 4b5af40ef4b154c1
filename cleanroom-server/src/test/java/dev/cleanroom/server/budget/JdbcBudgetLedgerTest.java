package dev.cleanroom.server.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetLedger.Reservation;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

@QuarkusTest
class JdbcBudgetLedgerTest {
  private static final Instant NOW = Instant.parse("2026-11-22T17:00:00Z");

  /** One budget of 1 for each analyst, which is also the one all analysts share (the default). */
  private static final BudgetLimit ONE =
      new BudgetLimit(BigDecimal.ONE, BigDecimal.ONE, BudgetRefresh.NONE);

  private static final BigDecimal TENTH = new BigDecimal("0.1");

  @Inject JdbcBudgetLedger ledger;

  @Test
  void fiftyConcurrentReservationsForTheLastEpsilon_exactlyOneWins() throws Exception {
    BudgetAccount account = freshAccount();
    ledger.reserve(Map.of(account, ONE), new BigDecimal("0.9"), NOW);

    List<Boolean> outcomes = race(50, account, new BigDecimal("0.1"));

    assertEquals(1, outcomes.stream().filter(won -> won).count());
    assertEquals(0, new BigDecimal("1").compareTo(ledger.spent(account, ONE, NOW)));
  }

  @Test
  void fiftyConcurrentSmallReservations_neverOverspend() throws Exception {
    BudgetAccount account = freshAccount();

    List<Boolean> outcomes = race(50, account, new BigDecimal("0.03"));

    // 33 x 0.03 = 0.99 fits under 1; a 34th would overspend.
    assertEquals(33, outcomes.stream().filter(won -> won).count());
    assertEquals(0, new BigDecimal("0.99").compareTo(ledger.spent(account, ONE, NOW)));
  }

  @Test
  void oneExhaustedAccount_nothingReservedOnTheOthers() {
    BudgetAccount full = freshAccount();
    BudgetAccount open = new BudgetAccount(full.collaboration(), full.analyst(), "other.dataset");
    ledger.reserve(Map.of(full, ONE), BigDecimal.ONE, NOW);

    PolicyException refused =
        assertThrows(
            PolicyException.class,
            () -> ledger.reserve(Map.of(full, ONE, open, ONE), new BigDecimal("0.5"), NOW));

    assertEquals(PolicyErrorCode.BUDGET_EXHAUSTED, refused.code());
    assertEquals(0, BigDecimal.ZERO.compareTo(ledger.spent(open, ONE, NOW)));
    assertEquals(
        0, BigDecimal.ZERO.compareTo(ledger.spentByAllAnalysts(open.datasetAccount(), ONE, NOW)));
  }

  @Test
  void secondAnalyst_isRefusedOnceTheSharedBudgetIsSpent_andNothingMoves() {
    BudgetAccount first = freshAccount();
    BudgetAccount second = otherAnalyst(first);
    ledger.reserve(Map.of(first, ONE), new BigDecimal("0.75"), NOW);

    PolicyException refused =
        assertThrows(
            PolicyException.class,
            () -> ledger.reserve(Map.of(second, ONE), new BigDecimal("0.5"), NOW));

    assertEquals(PolicyErrorCode.BUDGET_EXHAUSTED, refused.code());
    assertEquals(
        "the privacy budget all analysts share on dataset 'retailer.customers' in collaboration '"
            + first.collaboration()
            + "' is exhausted: 0.25 of 1 left, the query needs 0.5",
        refused.getMessage());
    assertEquals(0, BigDecimal.ZERO.compareTo(ledger.spent(second, ONE, NOW)));
    assertEquals(
        0,
        new BigDecimal("0.75")
            .compareTo(ledger.spentByAllAnalysts(first.datasetAccount(), ONE, NOW)));
    assertEquals(0, new BigDecimal("0.25").compareTo(ledger.remaining(second, ONE, NOW)));
  }

  @Test
  void ownBudgetExhaustedFirst_isReportedAsTheAnalysts() {
    BudgetAccount account = freshAccount();
    ledger.reserve(Map.of(account, ONE), new BigDecimal("0.75"), NOW);

    PolicyException refused =
        assertThrows(
            PolicyException.class,
            () -> ledger.reserve(Map.of(account, ONE), new BigDecimal("0.5"), NOW));

    assertEquals(
        "the privacy budget of analyst '"
            + account.analyst()
            + "' on dataset 'retailer.customers' in collaboration '"
            + account.collaboration()
            + "' is exhausted: 0.25 of 1 left, the query needs 0.5",
        refused.getMessage());
  }

  @Test
  void sharedCeilingAboveTheAnalystBudget_eachAnalystStopsAtItsOwnAndAllAtTheCeiling() {
    BudgetLimit limit = new BudgetLimit(BigDecimal.ONE, new BigDecimal("1.5"), BudgetRefresh.NONE);
    BudgetAccount first = freshAccount();
    BudgetAccount second = otherAnalyst(first);
    ledger.reserve(Map.of(first, limit), BigDecimal.ONE, NOW);
    assertThrows(
        PolicyException.class,
        () -> ledger.reserve(Map.of(first, limit), new BigDecimal("0.1"), NOW));

    ledger.reserve(Map.of(second, limit), new BigDecimal("0.5"), NOW);
    assertThrows(
        PolicyException.class,
        () -> ledger.reserve(Map.of(second, limit), new BigDecimal("0.1"), NOW));

    assertEquals(0, new BigDecimal("0.5").compareTo(ledger.spent(second, limit, NOW)));
    assertEquals(0, BigDecimal.ZERO.compareTo(ledger.remaining(second, limit, NOW)));
  }

  @Test
  void refund_givesBackToTheSharedBudgetToo() {
    BudgetAccount first = freshAccount();
    Reservation reservation = ledger.reserve(Map.of(first, ONE), BigDecimal.ONE, NOW);

    ledger.refund(reservation);

    BudgetAccount second = otherAnalyst(first);
    ledger.reserve(Map.of(second, ONE), BigDecimal.ONE, NOW);
    assertEquals(0, BigDecimal.ZERO.compareTo(ledger.spent(first, ONE, NOW)));
    assertEquals(
        0, BigDecimal.ONE.compareTo(ledger.spentByAllAnalysts(first.datasetAccount(), ONE, NOW)));
  }

  @Test
  void commitAfterRefund_changesNothing() {
    BudgetAccount account = freshAccount();
    Reservation reservation = ledger.reserve(Map.of(account, ONE), new BigDecimal("0.4"), NOW);

    ledger.refund(reservation);
    ledger.commit(reservation);

    assertEquals(0, BigDecimal.ZERO.compareTo(ledger.spent(account, ONE, NOW)));
    assertEquals(
        0,
        BigDecimal.ZERO.compareTo(ledger.spentByAllAnalysts(account.datasetAccount(), ONE, NOW)));
  }

  @Test
  void reservationMixingAnalysts_isRefused() {
    BudgetAccount first = freshAccount();
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ledger.reserve(
                Map.of(first, ONE, otherAnalyst(first), ONE), new BigDecimal("0.1"), NOW));
  }

  @Test
  void threeAnalystsTenAttemptsEachInParallel_spendTheSharedCeilingExactlyOnce() throws Exception {
    BudgetLimit limit = new BudgetLimit(BigDecimal.TEN, BigDecimal.ONE, BudgetRefresh.NONE);
    BudgetAccount first = freshAccount();
    List<BudgetAccount> analysts = List.of(first, otherAnalyst(first), otherAnalyst(first));
    List<Callable<Boolean>> attempts = new ArrayList<>();
    for (BudgetAccount analyst : analysts) {
      for (int i = 0; i < 10; i++) {
        attempts.add(() -> granted(() -> ledger.reserve(Map.of(analyst, limit), TENTH, NOW)));
      }
    }

    List<Boolean> outcomes = runTogether(attempts);

    assertEquals(10, outcomes.stream().filter(won -> won).count());
    assertEquals(
        0, BigDecimal.ONE.compareTo(ledger.spentByAllAnalysts(first.datasetAccount(), limit, NOW)));
    BigDecimal byEach = BigDecimal.ZERO;
    for (BudgetAccount analyst : analysts) {
      byEach = byEach.add(ledger.spent(analyst, limit, NOW));
    }
    assertEquals(0, BigDecimal.ONE.compareTo(byEach));
  }

  @Test
  void analystsReservingTwoDatasetsInOppositeOrders_neverDeadlock() throws Exception {
    BudgetLimit roomy = new BudgetLimit(BigDecimal.TEN, BigDecimal.TEN, BudgetRefresh.NONE);
    BudgetAccount first = freshAccount();
    List<Callable<Boolean>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      BudgetAccount customers = otherAnalyst(first);
      BudgetAccount impressions =
          new BudgetAccount(
              customers.collaboration(), customers.analyst(), "advertiser.impressions");
      // Both insertion orders, so a ledger that locked in the caller's order would deadlock.
      Map<BudgetAccount, BudgetLimit> accounts = new LinkedHashMap<>();
      if (i % 2 == 0) {
        accounts.put(customers, roomy);
        accounts.put(impressions, roomy);
      } else {
        accounts.put(impressions, roomy);
        accounts.put(customers, roomy);
      }
      attempts.add(
          () ->
              granted(
                  () -> {
                    Reservation reservation = ledger.reserve(accounts, TENTH, NOW);
                    ledger.refund(reservation);
                    return reservation;
                  }));
    }

    List<Boolean> outcomes = runTogether(attempts);

    assertEquals(20, outcomes.stream().filter(won -> won).count());
    assertEquals(
        0,
        BigDecimal.ZERO.compareTo(ledger.spentByAllAnalysts(first.datasetAccount(), roomy, NOW)));
  }

  @Test
  void refund_givesTheEpsilonBackOnce() {
    BudgetAccount account = freshAccount();
    Reservation reservation = ledger.reserve(Map.of(account, ONE), new BigDecimal("0.4"), NOW);

    ledger.refund(reservation);
    ledger.refund(reservation);

    assertEquals(0, BigDecimal.ZERO.compareTo(ledger.spent(account, ONE, NOW)));
  }

  @Test
  void committedReservation_isNotRefunded() {
    BudgetAccount account = freshAccount();
    Reservation reservation = ledger.reserve(Map.of(account, ONE), new BigDecimal("0.4"), NOW);

    ledger.commit(reservation);
    ledger.refund(reservation);

    assertEquals(0, new BigDecimal("0.4").compareTo(ledger.spent(account, ONE, NOW)));
  }

  @Test
  void dailyRefresh_nextDayStartsFromZero() {
    BudgetAccount account = freshAccount();
    BudgetLimit daily = new BudgetLimit(BigDecimal.ONE, BigDecimal.ONE, BudgetRefresh.DAILY);
    ledger.reserve(Map.of(account, daily), BigDecimal.ONE, NOW);

    Instant tomorrow = NOW.plusSeconds(24 * 3600);

    assertEquals(0, BigDecimal.ZERO.compareTo(ledger.spent(account, daily, tomorrow)));
    ledger.reserve(Map.of(account, daily), BigDecimal.ONE, tomorrow);
  }

  private List<Boolean> race(int contenders, BudgetAccount account, BigDecimal epsilon)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(contenders);
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> futures = new ArrayList<>();
      for (int i = 0; i < contenders; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    ledger.reserve(Map.of(account, ONE), epsilon, NOW);
                    return true;
                  } catch (PolicyException e) {
                    if (e.code() != PolicyErrorCode.BUDGET_EXHAUSTED) {
                      throw e;
                    }
                    return false;
                  }
                }));
      }
      start.countDown();
      List<Boolean> outcomes = new ArrayList<>();
      for (Future<Boolean> future : futures) {
        outcomes.add(future.get());
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  /** True when the reservation was granted, false when refused for lack of budget. */
  private static boolean granted(Callable<Reservation> reservation) throws Exception {
    try {
      reservation.call();
      return true;
    } catch (PolicyException e) {
      if (e.code() != PolicyErrorCode.BUDGET_EXHAUSTED) {
        throw e;
      }
      return false;
    }
  }

  /** Runs every task at once, released by one latch, and returns their outcomes in order. */
  private static List<Boolean> runTogether(List<Callable<Boolean>> tasks) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Boolean>> futures = new ArrayList<>();
      for (Callable<Boolean> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<Boolean> outcomes = new ArrayList<>();
      for (Future<Boolean> future : futures) {
        outcomes.add(future.get(60, TimeUnit.SECONDS));
      }
      return outcomes;
    } finally {
      pool.shutdownNow();
    }
  }

  /** A new analyst on a dataset of a new collaboration, so no other test shares its ceiling. */
  private static BudgetAccount freshAccount() {
    return new BudgetAccount(
        "ledger-" + UUID.randomUUID(), UUID.randomUUID().toString(), "retailer.customers");
  }

  private static BudgetAccount otherAnalyst(BudgetAccount account) {
    return new BudgetAccount(
        account.collaboration(), UUID.randomUUID().toString(), account.dataset());
  }
}
