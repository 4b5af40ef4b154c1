package dev.cleanroom.testkit.budget;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetArithmetic;
import dev.cleanroom.querypolicy.budget.BudgetLedger;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import dev.cleanroom.querypolicy.budget.DatasetAccount;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link BudgetLedger} in memory: the reference fake that {@link BudgetLedgerContract} holds the
 * server's ledger to. One lock guards all accounts, so a reservation across several accounts is
 * checked and applied atomically.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {

  private static final Comparator<BudgetAccount> BY_DATASET =
      Comparator.comparing(BudgetAccount::dataset);

  private record AnalystPeriod(BudgetAccount account, String period) {}

  private record DatasetPeriod(DatasetAccount account, String period) {}

  private final Object lock = new Object();
  private final Map<AnalystPeriod, BigDecimal> spentByAnalyst = new HashMap<>();
  private final Map<DatasetPeriod, BigDecimal> spentByDataset = new HashMap<>();
  private final Map<String, Reservation> pending = new HashMap<>();

  @Override
  public Reservation reserve(
      Map<BudgetAccount, BudgetLimit> accounts, BigDecimal epsilon, Instant now) {
    requireNonNull(accounts, "accounts is null");
    requireNonNull(now, "now is null");
    BudgetArithmetic.requirePositive(epsilon);
    BudgetArithmetic.requireOneAnalyst(accounts.keySet());
    Map<BudgetAccount, String> periods = new LinkedHashMap<>();
    accounts.forEach(
        (account, limit) ->
            periods.put(
                account,
                BudgetArithmetic.periodKey(requireNonNull(limit, "limit is null").refresh(), now)));
    synchronized (lock) {
      // Check every account first, then apply: all or nothing. One analyst's accounts name each
      // dataset once, so no dataset account is counted twice. Datasets in name order and the
      // analyst's own budget before the shared one, as the database ledger reports them.
      for (BudgetAccount account : accounts.keySet().stream().sorted(BY_DATASET).toList()) {
        BudgetLimit limit = accounts.get(account);
        String period = periods.get(account);
        BigDecimal own = analystSpentLocked(new AnalystPeriod(account, period));
        if (!BudgetArithmetic.fits(own, epsilon, limit.analystTotal())) {
          throw BudgetArithmetic.exhausted(account, own, epsilon, limit.analystTotal());
        }
        BigDecimal shared = datasetSpentLocked(new DatasetPeriod(account.datasetAccount(), period));
        if (!BudgetArithmetic.fits(shared, epsilon, limit.datasetTotal())) {
          throw BudgetArithmetic.exhausted(
              account.datasetAccount(), shared, epsilon, limit.datasetTotal());
        }
      }
      periods.forEach(
          (account, period) -> {
            spentByAnalyst.merge(new AnalystPeriod(account, period), epsilon, BigDecimal::add);
            spentByDataset.merge(
                new DatasetPeriod(account.datasetAccount(), period), epsilon, BigDecimal::add);
          });
      Reservation reservation = new Reservation(UUID.randomUUID().toString(), periods, epsilon);
      pending.put(reservation.id(), reservation);
      return reservation;
    }
  }

  @Override
  public void commit(Reservation reservation) {
    requireNonNull(reservation, "reservation is null");
    synchronized (lock) {
      pending.remove(reservation.id());
    }
  }

  @Override
  public void refund(Reservation reservation) {
    requireNonNull(reservation, "reservation is null");
    synchronized (lock) {
      Reservation held = pending.remove(reservation.id());
      if (held == null) {
        return; // settled before, or never ours: nothing to give back
      }
      // The stored reservation, not the caller's copy, says what to give back.
      held.periods()
          .forEach(
              (account, period) -> {
                spentByAnalyst.computeIfPresent(
                    new AnalystPeriod(account, period), (key, amount) -> less(amount, held));
                spentByDataset.computeIfPresent(
                    new DatasetPeriod(account.datasetAccount(), period),
                    (key, amount) -> less(amount, held));
              });
    }
  }

  @Override
  public BigDecimal spent(BudgetAccount account, BudgetLimit limit, Instant now) {
    requireNonNull(account, "account is null");
    requireNonNull(limit, "limit is null");
    String period = BudgetArithmetic.periodKey(limit.refresh(), now);
    synchronized (lock) {
      return analystSpentLocked(new AnalystPeriod(account, period));
    }
  }

  @Override
  public BigDecimal spentByAllAnalysts(DatasetAccount account, BudgetLimit limit, Instant now) {
    requireNonNull(account, "account is null");
    requireNonNull(limit, "limit is null");
    String period = BudgetArithmetic.periodKey(limit.refresh(), now);
    synchronized (lock) {
      return datasetSpentLocked(new DatasetPeriod(account, period));
    }
  }

  private static BigDecimal less(BigDecimal amount, Reservation held) {
    BigDecimal left = amount.subtract(held.epsilon());
    return left.signum() == 0 ? null : left;
  }

  private BigDecimal analystSpentLocked(AnalystPeriod key) {
    return spentByAnalyst.getOrDefault(key, BigDecimal.ZERO);
  }

  private BigDecimal datasetSpentLocked(DatasetPeriod key) {
    return spentByDataset.getOrDefault(key, BigDecimal.ZERO);
  }
}
