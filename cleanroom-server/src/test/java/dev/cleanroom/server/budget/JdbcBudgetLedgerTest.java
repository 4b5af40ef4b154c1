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
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

@QuarkusTest
class JdbcBudgetLedgerTest {
  private static final Instant NOW = Instant.parse("2026-11-22T17:00:00Z");
  private static final BudgetLimit ONE = new BudgetLimit(BigDecimal.ONE, BudgetRefresh.NONE);

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
    BudgetAccount open = freshAccount();
    ledger.reserve(Map.of(full, ONE), BigDecimal.ONE, NOW);

    PolicyException refused =
        assertThrows(
            PolicyException.class,
            () -> ledger.reserve(Map.of(full, ONE, open, ONE), new BigDecimal("0.5"), NOW));

    assertEquals(PolicyErrorCode.BUDGET_EXHAUSTED, refused.code());
    assertEquals(0, BigDecimal.ZERO.compareTo(ledger.spent(open, ONE, NOW)));
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
    BudgetLimit daily = new BudgetLimit(BigDecimal.ONE, BudgetRefresh.DAILY);
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

  private static BudgetAccount freshAccount() {
    return new BudgetAccount("ledger-test", UUID.randomUUID().toString(), "retailer.customers");
  }
}
