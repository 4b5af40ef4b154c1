package dev.cleanroom.testkit.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetArithmetic;
import dev.cleanroom.querypolicy.budget.BudgetLedger;
import dev.cleanroom.querypolicy.budget.BudgetLedger.Reservation;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.testkit.Concurrently;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * What every {@link BudgetLedger} does, as tests: a ledger's test extends this and supplies the
 * ledger. Each test charges accounts of a collaboration of its own, so one ledger (one database)
 * may serve every test.
 */
public abstract class BudgetLedgerContract {
  /** A Sunday, 2026-11-22, at noon UTC. */
  private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

  private final String collaboration = "contract-" + UUID.randomUUID();

  /** The ledger under test; may be the same instance for every test. */
  protected abstract BudgetLedger ledger();

  private BudgetAccount customersOf(String analyst) {
    return new BudgetAccount(collaboration, analyst, "retailer.customers");
  }

  private BudgetAccount impressionsOf(String analyst) {
    return new BudgetAccount(collaboration, analyst, "advertiser.impressions");
  }

  /** One analyst's budget, which is also the dataset's shared one (the policy default). */
  private static BudgetLimit limit(String total, BudgetRefresh refresh) {
    return new BudgetLimit(new BigDecimal(total), new BigDecimal(total), refresh);
  }

  private static BudgetLimit limit(String analystTotal, String datasetTotal) {
    return new BudgetLimit(
        new BigDecimal(analystTotal), new BigDecimal(datasetTotal), BudgetRefresh.NONE);
  }

  private Reservation reserve(BudgetAccount account, BudgetLimit limit, String epsilon) {
    return reserve(account, limit, epsilon, NOW);
  }

  private Reservation reserve(
      BudgetAccount account, BudgetLimit limit, String epsilon, Instant now) {
    return ledger().reserve(Map.of(account, limit), new BigDecimal(epsilon), now);
  }

  private PolicyException refused(Map<BudgetAccount, BudgetLimit> accounts, String epsilon) {
    PolicyException refused =
        assertThrows(
            PolicyException.class, () -> ledger().reserve(accounts, new BigDecimal(epsilon), NOW));
    assertEquals(PolicyErrorCode.BUDGET_EXHAUSTED, refused.code());
    return refused;
  }

  private BigDecimal spent(BudgetAccount account, BudgetLimit limit) {
    return ledger().spent(account, limit, NOW);
  }

  private BigDecimal spentByAll(BudgetAccount account, BudgetLimit limit) {
    return ledger().spentByAllAnalysts(account.datasetAccount(), limit, NOW);
  }

  /** Amounts compare by value: a database may hand them back at another scale. */
  private static void assertAmount(String expected, BigDecimal actual) {
    assertEquals(
        0, new BigDecimal(expected).compareTo(actual), "expected " + expected + ", was " + actual);
  }

  // --- reserve, commit, refund -----------------------------------------------------------------

  @Test
  void reservation_countsAsSpentOnTheAnalystsAndTheSharedAccount() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    reserve(customersOf("advertiser"), limit, "0.4");

    assertAmount("0.4", spent(customersOf("advertiser"), limit));
    assertAmount("0.4", spentByAll(customersOf("advertiser"), limit));
    assertAmount("0.6", ledger().remaining(customersOf("advertiser"), limit, NOW));
  }

  @Test
  void commit_keepsTheEpsilonSpent() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    ledger().commit(reserve(customersOf("advertiser"), limit, "0.4"));

    assertAmount("0.4", spent(customersOf("advertiser"), limit));
    assertAmount("0.4", spentByAll(customersOf("advertiser"), limit));
  }

  @Test
  void refund_givesTheEpsilonBackToBothAccounts() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    ledger().refund(reserve(customersOf("advertiser"), limit, "1"));

    assertAmount("0", spent(customersOf("advertiser"), limit));
    assertAmount("0", spentByAll(customersOf("advertiser"), limit));
    // The shared budget is whole again: another analyst can spend all of it.
    reserve(customersOf("agency"), limit, "1");
    assertAmount("1", spentByAll(customersOf("agency"), limit));
  }

  /** The rule of {@link BudgetLedger}: settling is final, the first commit or refund decides. */
  @Test
  void refundAfterCommit_givesNothingBackAndDoesNotFail() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    Reservation reservation = reserve(customersOf("advertiser"), limit, "0.4");

    ledger().commit(reservation);
    ledger().refund(reservation);

    assertAmount("0.4", spent(customersOf("advertiser"), limit));
    assertAmount("0.4", spentByAll(customersOf("advertiser"), limit));
  }

  @Test
  void secondRefundOrCommitAfterARefund_changesNothing() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    reserve(customersOf("advertiser"), limit, "0.3");
    Reservation reservation = reserve(customersOf("advertiser"), limit, "0.4");

    ledger().refund(reservation);
    ledger().refund(reservation);
    ledger().commit(reservation);

    assertAmount("0.3", spent(customersOf("advertiser"), limit));
    assertAmount("0.3", spentByAll(customersOf("advertiser"), limit));
  }

  @Test
  void settlingAReservationTheLedgerNeverHandedOut_changesNothing() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    reserve(customersOf("advertiser"), limit, "0.3");
    Reservation stranger =
        new Reservation(
            UUID.randomUUID().toString(),
            Map.of(customersOf("advertiser"), BudgetArithmetic.LIFETIME),
            new BigDecimal("0.3"));

    ledger().refund(stranger);
    ledger().commit(stranger);

    assertAmount("0.3", spent(customersOf("advertiser"), limit));
  }

  // --- exhaustion ----------------------------------------------------------------------------

  @Test
  void ownBudgetExhausted_isRefusedAsTheAnalystsAndChargesNothing() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    reserve(customersOf("advertiser"), limit, "0.75");

    PolicyException refused = refused(Map.of(customersOf("advertiser"), limit), "0.5");

    assertEquals(
        "the privacy budget of analyst 'advertiser' on dataset 'retailer.customers' in"
            + " collaboration '"
            + collaboration
            + "' is exhausted: 0.25 of 1 left, the query needs 0.5",
        refused.getMessage());
    assertAmount("0.75", spent(customersOf("advertiser"), limit));
  }

  @Test
  void sharedBudgetExhausted_refusesASecondAnalystAndChargesNothing() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    reserve(customersOf("advertiser"), limit, "0.75");

    PolicyException refused = refused(Map.of(customersOf("agency"), limit), "0.5");

    assertEquals(
        "the privacy budget all analysts share on dataset 'retailer.customers' in collaboration '"
            + collaboration
            + "' is exhausted: 0.25 of 1 left, the query needs 0.5",
        refused.getMessage());
    assertAmount("0", spent(customersOf("agency"), limit));
    assertAmount("0.75", spentByAll(customersOf("agency"), limit));
    assertAmount("0.25", ledger().remaining(customersOf("agency"), limit, NOW));
  }

  @Test
  void sharedCeilingAboveTheAnalystBudget_eachAnalystStopsAtItsOwnAndAllAtTheCeiling() {
    BudgetLimit limit = limit("1", "1.5");
    reserve(customersOf("advertiser"), limit, "1");
    refused(Map.of(customersOf("advertiser"), limit), "0.1");

    reserve(customersOf("agency"), limit, "0.5");
    PolicyException refused = refused(Map.of(customersOf("agency"), limit), "0.1");

    assertEquals(
        "the privacy budget all analysts share on dataset 'retailer.customers' in collaboration '"
            + collaboration
            + "' is exhausted: 0 of 1.5 left, the query needs 0.1",
        refused.getMessage());
    assertAmount("0.5", spent(customersOf("agency"), limit));
    assertAmount("0", ledger().remaining(customersOf("agency"), limit, NOW));
  }

  @Test
  void decimalEpsilons_spendTheWholeBudgetWithoutDrift() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    for (int i = 0; i < 10; i++) {
      reserve(customersOf("advertiser"), limit, "0.1");
    }

    assertAmount("1", spent(customersOf("advertiser"), limit));
    refused(Map.of(customersOf("advertiser"), limit), "0.0000001");
  }

  @Test
  void nonPositiveEpsilon_isRefused() {
    PolicyException refused =
        assertThrows(
            PolicyException.class,
            () -> reserve(customersOf("advertiser"), limit("1", BudgetRefresh.NONE), "0"));

    assertEquals(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, refused.code());
    assertEquals("epsilon to reserve must be > 0, was 0", refused.getMessage());
  }

  // --- several accounts at once --------------------------------------------------------------

  @Test
  void reservationOnTwoDatasets_chargesAndRefundsBoth() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    Reservation reservation =
        ledger()
            .reserve(
                Map.of(customersOf("advertiser"), limit, impressionsOf("advertiser"), limit),
                new BigDecimal("0.4"),
                NOW);

    assertAmount("0.4", spent(customersOf("advertiser"), limit));
    assertAmount("0.4", spentByAll(impressionsOf("advertiser"), limit));

    ledger().refund(reservation);

    assertAmount("0", spent(customersOf("advertiser"), limit));
    assertAmount("0", spent(impressionsOf("advertiser"), limit));
    assertAmount("0", spentByAll(impressionsOf("advertiser"), limit));
  }

  @Test
  void oneExhaustedDataset_reservesOnNone() {
    BudgetLimit roomy = limit("10", BudgetRefresh.NONE);
    BudgetLimit tight = limit("0.5", BudgetRefresh.NONE);
    reserve(impressionsOf("advertiser"), tight, "0.3");

    PolicyException refused =
        refused(
            Map.of(customersOf("advertiser"), roomy, impressionsOf("advertiser"), tight), "0.3");

    assertEquals(
        "the privacy budget of analyst 'advertiser' on dataset 'advertiser.impressions' in"
            + " collaboration '"
            + collaboration
            + "' is exhausted: 0.2 of 0.5 left, the query needs 0.3",
        refused.getMessage());
    assertAmount("0", spent(customersOf("advertiser"), roomy));
    assertAmount("0", spentByAll(customersOf("advertiser"), roomy));
    assertAmount("0.3", spent(impressionsOf("advertiser"), tight));
  }

  @Test
  void reservationMixingAnalysts_isRefused() {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ledger()
                .reserve(
                    Map.of(customersOf("advertiser"), limit, impressionsOf("agency"), limit),
                    new BigDecimal("0.1"),
                    NOW));
  }

  @Test
  void reservationWithoutAccounts_isRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> ledger().reserve(Map.of(), new BigDecimal("0.1"), NOW));
  }

  // --- refresh periods -----------------------------------------------------------------------

  /** Reserved on Sunday 2026-11-22 at noon: spent until the period's end, not after it (UTC). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "DAILY, 2026-11-22T23:59:59Z, 2026-11-23T00:00:00Z",
    "WEEKLY, 2026-11-16T00:00:00Z, 2026-11-23T00:00:00Z",
    "MONTHLY, 2026-11-01T00:00:00Z, 2026-12-01T00:00:00Z"
  })
  void budget_startsAgainInItsNextPeriod(
      BudgetRefresh refresh, Instant samePeriod, Instant nextPeriod) {
    BudgetLimit limit = limit("1", refresh);
    reserve(customersOf("advertiser"), limit, "1");

    assertAmount("1", ledger().spent(customersOf("advertiser"), limit, samePeriod));
    assertAmount("0", ledger().spent(customersOf("advertiser"), limit, nextPeriod));
    reserve(customersOf("advertiser"), limit, "1", nextPeriod);
    assertAmount("1", ledger().spent(customersOf("advertiser"), limit, nextPeriod));
  }

  @Test
  void budgetWithoutRefresh_neverStartsAgain() {
    BudgetLimit lifetime = limit("1", BudgetRefresh.NONE);
    reserve(customersOf("advertiser"), lifetime, "1");

    Instant yearsLater = Instant.parse("2031-01-01T00:00:00Z");
    assertAmount("1", ledger().spent(customersOf("advertiser"), lifetime, yearsLater));
    assertAmount("0", ledger().remaining(customersOf("advertiser"), lifetime, yearsLater));
  }

  @Test
  void refundInALaterPeriod_goesBackToTheReservedPeriod() {
    BudgetLimit daily = limit("1", BudgetRefresh.DAILY);
    Reservation reservation = reserve(customersOf("advertiser"), daily, "0.6");
    Instant tomorrow = Instant.parse("2026-11-23T00:00:01Z");
    reserve(customersOf("advertiser"), daily, "0.5", tomorrow);

    ledger().refund(reservation);

    assertAmount("0", spent(customersOf("advertiser"), daily));
    assertAmount("0.5", ledger().spent(customersOf("advertiser"), daily, tomorrow));
  }

  // --- concurrency ---------------------------------------------------------------------------

  @Test
  void threeAnalystsRacingForOneSharedBudget_spendItExactlyOnce() throws Exception {
    BudgetLimit limit = limit("10", "1");
    List<Callable<Boolean>> attempts = new ArrayList<>();
    for (String analyst : List.of("advertiser", "agency", "brand")) {
      for (int attempt = 0; attempt < 10; attempt++) {
        attempts.add(() -> granted(Map.of(customersOf(analyst), limit), "0.1"));
      }
    }

    List<Boolean> outcomes = Concurrently.run(attempts);

    assertEquals(10, outcomes.stream().filter(granted -> granted).count());
    assertAmount("1", spentByAll(customersOf("advertiser"), limit));
    BigDecimal byEach = BigDecimal.ZERO;
    for (String analyst : List.of("advertiser", "agency", "brand")) {
      byEach = byEach.add(spent(customersOf(analyst), limit));
    }
    assertAmount("1", byEach);
  }

  @Test
  void fiftyReservationsOnTwoDatasetsForTheLastEpsilon_neverOverspend() throws Exception {
    BudgetLimit limit = limit("1", BudgetRefresh.NONE);
    reserve(customersOf("advertiser"), limit, "0.75");
    Map<BudgetAccount, BudgetLimit> both = new LinkedHashMap<>();
    both.put(customersOf("advertiser"), limit);
    both.put(impressionsOf("advertiser"), limit);
    List<Callable<Boolean>> attempts = new ArrayList<>();
    for (int attempt = 0; attempt < 50; attempt++) {
      attempts.add(() -> granted(both, "0.1"));
    }

    List<Boolean> outcomes = Concurrently.run(attempts);

    // 0.25 left on the customers: exactly two reservations of 0.1 fit, on both datasets.
    assertEquals(2, outcomes.stream().filter(granted -> granted).count());
    assertAmount("0.95", spent(customersOf("advertiser"), limit));
    assertAmount("0.2", spent(impressionsOf("advertiser"), limit));
  }

  /** True when the reservation was granted, false when refused for lack of budget. */
  private boolean granted(Map<BudgetAccount, BudgetLimit> accounts, String epsilon) {
    try {
      ledger().reserve(accounts, new BigDecimal(epsilon), NOW);
      return true;
    } catch (PolicyException e) {
      if (e.code() != PolicyErrorCode.BUDGET_EXHAUSTED) {
        throw e;
      }
      return false;
    }
  }
}
