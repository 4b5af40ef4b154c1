package dev.cleanroom.server.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetLedger.Reservation;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.testkit.Concurrently;
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
import org.junit.jupiter.api.Test;

/**
 * What only the database ledger has to get right: the order it locks balance rows in. The rest of
 * its behaviour is the contract's ({@link JdbcBudgetLedgerContractTest}).
 */
@QuarkusTest
class JdbcBudgetLedgerTest {
  private static final Instant NOW = Instant.parse("2026-11-22T17:00:00Z");
  private static final BigDecimal TENTH = new BigDecimal("0.1");

  @Inject JdbcBudgetLedger ledger;

  @Test
  void analystsReservingTwoDatasetsInOppositeOrders_neverDeadlock() throws Exception {
    BudgetLimit roomy = new BudgetLimit(BigDecimal.TEN, BigDecimal.TEN, BudgetRefresh.NONE);
    String collaboration = "ledger-" + UUID.randomUUID();
    List<Callable<Reservation>> attempts = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      String analyst = UUID.randomUUID().toString();
      BudgetAccount customers = new BudgetAccount(collaboration, analyst, "retailer.customers");
      BudgetAccount impressions =
          new BudgetAccount(collaboration, analyst, "advertiser.impressions");
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
          () -> {
            Reservation reservation = ledger.reserve(accounts, TENTH, NOW);
            ledger.refund(reservation);
            return reservation;
          });
    }

    // PostgreSQL breaks a deadlock by failing one transaction, which fails the run.
    Concurrently.run(attempts);

    BudgetAccount any = new BudgetAccount(collaboration, "anyone", "retailer.customers");
    assertEquals(
        0, BigDecimal.ZERO.compareTo(ledger.spentByAllAnalysts(any.datasetAccount(), roomy, NOW)));
  }
}
