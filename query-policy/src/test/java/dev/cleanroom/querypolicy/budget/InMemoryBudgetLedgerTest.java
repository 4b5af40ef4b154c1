package dev.cleanroom.querypolicy.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryBudgetLedgerTest {

  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");
  private static final BudgetAccount CUSTOMERS =
      new BudgetAccount("demo", "advertiser", "retailer.customers");
  private static final BudgetAccount IMPRESSIONS =
      new BudgetAccount("demo", "advertiser", "advertiser.impressions");

  private final InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();

  /** One analyst's budget, which is also the dataset's shared one (the policy default). */
  private static BudgetLimit limit(String total, BudgetRefresh refresh) {
    return new BudgetLimit(new BigDecimal(total), new BigDecimal(total), refresh);
  }

  private static BudgetLimit limit(String analystTotal, String datasetTotal) {
    return new BudgetLimit(
        new BigDecimal(analystTotal), new BigDecimal(datasetTotal), BudgetRefresh.NONE);
  }

  private static BudgetAccount customersOf(String analyst) {
    return new BudgetAccount("demo", analyst, "retailer.customers");
  }

  private BigDecimal spent(BudgetAccount account, BudgetLimit limit, Instant at) {
    return ledger.spent(account, limit, at);
  }

  @Test
  void reserveThenCommit_countsAsSpent() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    BudgetLedger.Reservation reservation =
        ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.4"), NOW);
    assertEquals(new BigDecimal("0.4"), spent(CUSTOMERS, limit, NOW));
    ledger.commit(reservation);
    assertEquals(new BigDecimal("0.4"), spent(CUSTOMERS, limit, NOW));
  }

  @Test
  void refund_givesTheEpsilonBack() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    BudgetLedger.Reservation reservation =
        ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.4"), NOW);
    ledger.refund(reservation);
    assertEquals(0, BigDecimal.ZERO.compareTo(spent(CUSTOMERS, limit, NOW)));
  }

  @Test
  void refundAfterCommit_givesNothingBack() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    BudgetLedger.Reservation reservation =
        ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.4"), NOW);
    ledger.commit(reservation);
    ledger.refund(reservation);
    assertEquals(new BigDecimal("0.4"), spent(CUSTOMERS, limit, NOW));
    assertEquals(
        new BigDecimal("0.4"), ledger.spentByAllAnalysts(CUSTOMERS.datasetAccount(), limit, NOW));
  }

  @Test
  void secondRefundOrCommitAfterARefund_changesNothing() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.3"), NOW);
    BudgetLedger.Reservation reservation =
        ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.4"), NOW);
    ledger.refund(reservation);
    ledger.refund(reservation);
    ledger.commit(reservation);
    assertEquals(new BigDecimal("0.3"), spent(CUSTOMERS, limit, NOW));
  }

  @Test
  void secondAnalyst_isRefusedOnceTheSharedBudgetIsSpent_andNothingIsCharged() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    ledger.reserve(Map.of(customersOf("advertiser"), limit), new BigDecimal("0.75"), NOW);

    PolicyException error =
        assertThrows(
            PolicyException.class,
            () -> ledger.reserve(Map.of(customersOf("agency"), limit), new BigDecimal("0.5"), NOW));

    assertEquals(PolicyErrorCode.BUDGET_EXHAUSTED, error.code());
    assertEquals(
        "the privacy budget all analysts share on dataset 'retailer.customers' in collaboration"
            + " 'demo' is exhausted: 0.25 of 1 left, the query needs 0.5",
        error.getMessage());
    assertEquals(0, BigDecimal.ZERO.compareTo(spent(customersOf("agency"), limit, NOW)));
    assertEquals(
        new BigDecimal("0.75"),
        ledger.spentByAllAnalysts(customersOf("agency").datasetAccount(), limit, NOW));
    assertEquals(new BigDecimal("0.25"), ledger.remaining(customersOf("agency"), limit, NOW));
  }

  @Test
  void sharedCeilingAboveTheAnalystBudget_eachAnalystStillStopsAtItsOwn() {
    BudgetLimit limit = limit("1", "1.5");
    ledger.reserve(Map.of(customersOf("advertiser"), limit), BigDecimal.ONE, NOW);
    assertThrows(
        PolicyException.class,
        () -> ledger.reserve(Map.of(customersOf("advertiser"), limit), new BigDecimal("0.1"), NOW));

    ledger.reserve(Map.of(customersOf("agency"), limit), new BigDecimal("0.5"), NOW);
    PolicyException error =
        assertThrows(
            PolicyException.class,
            () -> ledger.reserve(Map.of(customersOf("agency"), limit), new BigDecimal("0.1"), NOW));

    assertTrue(error.getMessage().startsWith("the privacy budget all analysts share"));
    assertEquals(new BigDecimal("0.5"), spent(customersOf("agency"), limit, NOW));
    assertEquals(0, BigDecimal.ZERO.compareTo(ledger.remaining(customersOf("agency"), limit, NOW)));
  }

  @Test
  void refund_givesBackToTheSharedAccountToo() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    BudgetLedger.Reservation reservation =
        ledger.reserve(Map.of(customersOf("advertiser"), limit), BigDecimal.ONE, NOW);
    ledger.refund(reservation);
    ledger.reserve(Map.of(customersOf("agency"), limit), BigDecimal.ONE, NOW);
    assertEquals(
        BigDecimal.ONE,
        ledger.spentByAllAnalysts(customersOf("agency").datasetAccount(), limit, NOW));
  }

  @Test
  void reservationMixingAnalysts_isRefused() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ledger.reserve(
                Map.of(customersOf("advertiser"), limit, customersOf("agency"), limit),
                new BigDecimal("0.1"),
                NOW));
  }

  @Test
  void threeAnalystsRacingForOneSharedBudget_spendItExactlyOnce() throws Exception {
    BudgetLimit limit = limit("10", "1");
    ExecutorService pool = Executors.newFixedThreadPool(30);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> outcomes = new ArrayList<>();
    try {
      for (String analyst : List.of("advertiser", "agency", "brand")) {
        for (int attempt = 0; attempt < 10; attempt++) {
          outcomes.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      ledger.reserve(
                          Map.of(customersOf(analyst), limit), new BigDecimal("0.1"), NOW);
                      return true;
                    } catch (PolicyException e) {
                      return false;
                    }
                  }));
        }
      }
      start.countDown();
      int granted = 0;
      for (Future<Boolean> outcome : outcomes) {
        granted += outcome.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      assertEquals(10, granted);
      assertEquals(
          0,
          BigDecimal.ONE.compareTo(
              ledger.spentByAllAnalysts(CUSTOMERS.datasetAccount(), limit, NOW)));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void overspendingOneAccount_reservesOnNone() {
    BudgetLimit roomy = limit("10", BudgetRefresh.NONE);
    BudgetLimit tight = limit("0.5", BudgetRefresh.NONE);
    ledger.reserve(Map.of(IMPRESSIONS, tight), new BigDecimal("0.3"), NOW);

    PolicyException error =
        assertThrows(
            PolicyException.class,
            () ->
                ledger.reserve(
                    Map.of(CUSTOMERS, roomy, IMPRESSIONS, tight), new BigDecimal("0.3"), NOW));

    assertEquals(PolicyErrorCode.BUDGET_EXHAUSTED, error.code());
    assertEquals(
        "the privacy budget of analyst 'advertiser' on dataset 'advertiser.impressions' in"
            + " collaboration 'demo' is exhausted: 0.2 of 0.5 left, the query needs 0.3",
        error.getMessage());
    assertEquals(0, BigDecimal.ZERO.compareTo(spent(CUSTOMERS, roomy, NOW)));
  }

  @Test
  void exactDecimalSums_spendTheWholeBudgetWithoutDrift() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    for (int i = 0; i < 10; i++) {
      ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.1"), NOW);
    }
    assertEquals(0, BigDecimal.ONE.compareTo(spent(CUSTOMERS, limit, NOW)));
    assertThrows(
        PolicyException.class,
        () -> ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.0000001"), NOW));
  }

  @Test
  void dailyBudget_startsAgainTheNextUtcDay() {
    BudgetLimit limit = limit("1", BudgetRefresh.DAILY);
    ledger.reserve(Map.of(CUSTOMERS, limit), BigDecimal.ONE, NOW);
    Instant tomorrow = Instant.parse("2026-11-23T00:00:00Z");
    assertEquals(0, BigDecimal.ZERO.compareTo(spent(CUSTOMERS, limit, tomorrow)));
    ledger.reserve(Map.of(CUSTOMERS, limit), BigDecimal.ONE, tomorrow);
  }

  @Test
  void refundInALaterPeriod_goesBackToTheReservedPeriod() {
    BudgetLimit limit = limit("1", BudgetRefresh.DAILY);
    BudgetLedger.Reservation reservation =
        ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.6"), NOW);
    Instant tomorrow = Instant.parse("2026-11-23T00:00:01Z");
    ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.5"), tomorrow);
    ledger.refund(reservation);
    assertEquals(0, BigDecimal.ZERO.compareTo(spent(CUSTOMERS, limit, NOW)));
    assertEquals(new BigDecimal("0.5"), spent(CUSTOMERS, limit, tomorrow));
  }

  @Test
  void nonPositiveEpsilon_isRejected() {
    PolicyException error =
        assertThrows(
            PolicyException.class,
            () ->
                ledger.reserve(
                    Map.of(CUSTOMERS, limit("1", BudgetRefresh.NONE)), BigDecimal.ZERO, NOW));
    assertEquals("epsilon to reserve must be > 0, was 0", error.getMessage());
  }

  @Test
  void fiftyThreadsRacingForTheLastEpsilon_neverOverspend() throws Exception {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    ledger.reserve(Map.of(CUSTOMERS, limit), new BigDecimal("0.75"), NOW);
    int threads = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Boolean>> outcomes = new ArrayList<>();
    try {
      for (int i = 0; i < threads; i++) {
        outcomes.add(
            pool.submit(
                () -> {
                  start.await();
                  try {
                    ledger.reserve(
                        Map.of(CUSTOMERS, limit, IMPRESSIONS, limit), new BigDecimal("0.1"), NOW);
                    return true;
                  } catch (PolicyException e) {
                    return false;
                  }
                }));
      }
      start.countDown();
      int granted = 0;
      for (Future<Boolean> outcome : outcomes) {
        granted += outcome.get(30, TimeUnit.SECONDS) ? 1 : 0;
      }
      // 0.25 left: exactly two reservations of 0.1 fit.
      assertEquals(2, granted);
      assertEquals(new BigDecimal("0.95"), spent(CUSTOMERS, limit, NOW));
      assertEquals(new BigDecimal("0.2"), spent(IMPRESSIONS, limit, NOW));
    } finally {
      pool.shutdownNow();
    }
  }
}
