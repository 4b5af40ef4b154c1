package dev.cleanroom.querypolicy.budget;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * A {@link BudgetLedger} in memory, for tests, the demo and single-node use. One lock guards all
 * accounts, so a reservation across several accounts is checked and applied atomically.
 */
public final class InMemoryBudgetLedger implements BudgetLedger {

  private record PeriodAccount(BudgetAccount account, String period) {}

  private final Object lock = new Object();
  private final Map<PeriodAccount, BigDecimal> spent = new HashMap<>();
  private final Map<String, Reservation> pending = new HashMap<>();

  @Override
  public Reservation reserve(
      Map<BudgetAccount, BudgetLimit> accounts, BigDecimal epsilon, Instant now) {
    requireNonNull(accounts, "accounts is null");
    requireNonNull(now, "now is null");
    BudgetArithmetic.requirePositive(epsilon);
    if (accounts.isEmpty()) {
      throw new IllegalArgumentException("a reservation needs at least one account");
    }
    Map<BudgetAccount, String> periods = new LinkedHashMap<>();
    accounts.forEach(
        (account, limit) ->
            periods.put(
                requireNonNull(account, "account is null"),
                BudgetArithmetic.periodKey(requireNonNull(limit, "limit is null").refresh(), now)));
    synchronized (lock) {
      // Check every account first, then apply: all or nothing.
      for (Map.Entry<BudgetAccount, BudgetLimit> entry : accounts.entrySet()) {
        BudgetAccount account = entry.getKey();
        BigDecimal current = spentLocked(new PeriodAccount(account, periods.get(account)));
        if (!BudgetArithmetic.fits(current, epsilon, entry.getValue())) {
          throw BudgetArithmetic.exhausted(account, current, epsilon, entry.getValue());
        }
      }
      periods.forEach(
          (account, period) ->
              spent.merge(new PeriodAccount(account, period), epsilon, BigDecimal::add));
      Reservation reservation = new Reservation(UUID.randomUUID().toString(), periods, epsilon);
      pending.put(reservation.id(), reservation);
      return reservation;
    }
  }

  @Override
  public void commit(Reservation reservation) {
    requireNonNull(reservation, "reservation is null");
    synchronized (lock) {
      if (pending.remove(reservation.id()) == null) {
        throw new IllegalStateException(
            "reservation '" + reservation.id() + "' is not pending: committed or refunded before");
      }
    }
  }

  @Override
  public void refund(Reservation reservation) {
    requireNonNull(reservation, "reservation is null");
    synchronized (lock) {
      Reservation held = pending.remove(reservation.id());
      if (held == null) {
        throw new IllegalStateException(
            "reservation '" + reservation.id() + "' is not pending: committed or refunded before");
      }
      // The stored reservation, not the caller's copy, says what to give back.
      held.periods()
          .forEach(
              (account, period) ->
                  spent.computeIfPresent(
                      new PeriodAccount(account, period),
                      (key, amount) -> {
                        BigDecimal left = amount.subtract(held.epsilon());
                        return left.signum() == 0 ? null : left;
                      }));
    }
  }

  @Override
  public BigDecimal spent(BudgetAccount account, BudgetLimit limit, Instant now) {
    requireNonNull(account, "account is null");
    requireNonNull(limit, "limit is null");
    String period = BudgetArithmetic.periodKey(limit.refresh(), now);
    synchronized (lock) {
      return spentLocked(new PeriodAccount(account, period));
    }
  }

  private BigDecimal spentLocked(PeriodAccount key) {
    return spent.getOrDefault(key, BigDecimal.ZERO);
  }
}
