package dev.cleanroom.server.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PolicyJson;
import dev.cleanroom.server.TestData;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.testkit.budget.InMemoryBudgetLedger;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class BudgetAccountsTest {
  private static final BigDecimal HALF = new BigDecimal("0.5");
  private static final Caller ADVERTISER = analyst(3, "advertiser");
  private static final Dataset CUSTOMERS = dataset(1, "retailer", "customers");
  private static final Dataset IMPRESSIONS = dataset(2, "advertiser", "impressions");

  private final InMemoryBudgetLedger ledger = new InMemoryBudgetLedger();
  private final MovableClock clock = new MovableClock(Instant.parse("2026-11-22T23:59:59Z"));
  private final BudgetAccounts accounts = new BudgetAccounts(ledger, clock);

  @Test
  void charge_isTheAnalystsAccountOnEachDatasetRead_underThatDatasetsPolicy() {
    QueryCharge charge =
        accounts.chargeOf(
            ADVERTISER,
            read(
                policy("retailer.customers", "10", "4"),
                policy("advertiser.impressions", "2", null)),
            HALF);

    assertEquals(
        Map.of(
            new BudgetAccount("room", "advertiser", "retailer.customers"),
            new BudgetLimit(new BigDecimal("10"), new BigDecimal("4"), BudgetRefresh.DAILY),
            new BudgetAccount("room", "advertiser", "advertiser.impressions"),
            new BudgetLimit(new BigDecimal("2"), new BigDecimal("2"), BudgetRefresh.DAILY)),
        charge.accounts());
    assertEquals(HALF, charge.epsilon());
    assertEquals(clock.instant(), charge.at());
  }

  @Test
  void remaining_isTheLeastOverTheDatasetsRead_ofTheAnalystsOwnRestAndTheSharedRest() {
    Map<Dataset, DatasetPolicy> read =
        read(
            policy("retailer.customers", "10", "1.5"), policy("advertiser.impressions", "2", null));
    // Another analyst spends 1 of the 1.5 all analysts share on customers.
    accounts
        .reserve(
            accounts.chargeOf(
                analyst(4, "agency"), Map.of(CUSTOMERS, read.get(CUSTOMERS)), BigDecimal.ONE))
        .commit();

    QueryCharge charge = accounts.chargeOf(ADVERTISER, read, HALF);
    accounts.reserve(charge).commit();

    // customers: own 10 - 0.5, shared 1.5 - 1.5 = 0; impressions: own 2 - 0.5.
    assertEquals(0, BigDecimal.ZERO.compareTo(accounts.remaining(charge)));
  }

  @Test
  void remainingAfterThePeriodEnds_isStillThatOfThePeriodTheQueryWasChargedIn() {
    Map<Dataset, DatasetPolicy> read = read(policy("retailer.customers", "2", null));
    QueryCharge charge = accounts.chargeOf(ADVERTISER, read, HALF);
    accounts.reserve(charge).commit();

    clock.moveTo(Instant.parse("2026-11-23T00:00:01Z"));

    assertEquals(new BigDecimal("1.5"), accounts.remaining(charge));
    assertEquals(
        new BigDecimal("2"), accounts.remaining(accounts.chargeOf(ADVERTISER, read, HALF)));
  }

  @Test
  void balance_reportsOwnAndSharedSpendingInThePeriodOfTheInstant() {
    DatasetPolicy policy = policy("retailer.customers", "2", "3");
    accounts
        .reserve(accounts.chargeOf(analyst(4, "agency"), Map.of(CUSTOMERS, policy), BigDecimal.ONE))
        .commit();
    accounts.reserve(accounts.chargeOf(ADVERTISER, Map.of(CUSTOMERS, policy), HALF)).commit();

    BudgetAccounts.Balance balance =
        accounts.balance(ADVERTISER, CUSTOMERS, policy, clock.instant());

    assertEquals(0, HALF.compareTo(balance.spent()));
    assertEquals(new BigDecimal("1.5"), balance.remaining());
    assertEquals(0, new BigDecimal("1.5").compareTo(balance.sharedSpent()));
    assertEquals(new BigDecimal("1.5"), balance.sharedRemaining());
    assertEquals("2026-11-22", balance.period());
  }

  @Test
  void settlement_theFirstSettlementDecides() {
    Map<Dataset, DatasetPolicy> read = read(policy("retailer.customers", "2", null));
    Settlement refunded = accounts.reserve(accounts.chargeOf(ADVERTISER, read, HALF));
    assertTrue(refunded.refund(), "the first settlement settles");
    assertFalse(refunded.commit(), "a later one does nothing");
    Settlement committed = accounts.reserve(accounts.chargeOf(ADVERTISER, read, HALF));
    assertTrue(committed.commit());
    assertFalse(committed.refund());
    assertFalse(committed.commit());

    assertEquals(
        new BigDecimal("1.5"), accounts.remaining(accounts.chargeOf(ADVERTISER, read, HALF)));
  }

  /** The demo policy of {@code table} with the given budgets, renewed daily. */
  private static DatasetPolicy policy(String table, String budget, String datasetBudget) {
    String document =
        TestData.demoPolicy(table)
            .replaceAll("\"budget\": [0-9.]+,", "\"budget\": " + budget + ",")
            .replace("\"budgetRefresh\": \"NONE\"", "\"budgetRefresh\": \"DAILY\"");
    if (datasetBudget != null) {
      document =
          document.replace(
              "\"budget\": " + budget + ",",
              "\"budget\": " + budget + ", \"datasetBudget\": " + datasetBudget + ",");
    }
    return PolicyJson.read(document);
  }

  /** The datasets whose policies are given, in that order. */
  private static Map<Dataset, DatasetPolicy> read(DatasetPolicy... policies) {
    Map<Dataset, DatasetPolicy> read = new LinkedHashMap<>();
    for (DatasetPolicy policy : policies) {
      read.put(
          policy.table().toString().equals(CUSTOMERS.table()) ? CUSTOMERS : IMPRESSIONS, policy);
    }
    return read;
  }

  private static Caller analyst(long id, String name) {
    return Caller.member(id, name, 1, "room", Set.of(Role.ANALYST));
  }

  private static Dataset dataset(long id, String owner, String name) {
    return new Dataset(id, 1, name, id + 10, owner, List.of(), 1, 1, false);
  }

  /** A clock a test moves by hand. */
  private static final class MovableClock extends Clock {
    private Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void moveTo(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("the test clock stays in UTC");
    }
  }
}
