package dev.cleanroom.querypolicy.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * Epsilon spent per account, with exact decimal arithmetic. A query reserves before it runs, then
 * commits, or is refunded only when its failure could not depend on the data. Implementations must
 * never let concurrent reservations spend past a limit.
 */
public interface BudgetLedger {

  /**
   * Reserves {@code epsilon} on every account of {@code accounts}, or on none.
   *
   * @throws dev.cleanroom.querypolicy.PolicyException with code {@code BUDGET_EXHAUSTED} when any
   *     account would exceed its limit; nothing is reserved then
   */
  Reservation reserve(Map<BudgetAccount, BudgetLimit> accounts, BigDecimal epsilon, Instant now);

  /** Makes a reservation final. */
  void commit(Reservation reservation);

  /** Gives a reservation back. */
  void refund(Reservation reservation);

  /**
   * Epsilon spent or reserved on {@code account} in the refresh period that contains {@code now}.
   */
  BigDecimal spent(BudgetAccount account, BudgetLimit limit, Instant now);

  /** A reservation handed out by {@link #reserve}; opaque to callers. */
  record Reservation(String id, Map<BudgetAccount, String> periods, BigDecimal epsilon) {
    public Reservation {
      java.util.Objects.requireNonNull(id, "id is null");
      periods = Map.copyOf(periods);
      java.util.Objects.requireNonNull(epsilon, "epsilon is null");
    }
  }
}
