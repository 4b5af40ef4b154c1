package dev.cleanroom.querypolicy.budget;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Epsilon spent, with exact decimal arithmetic, on two kinds of account per dataset and refresh
 * period: each analyst's own ({@link BudgetAccount}), and all analysts' together ({@link
 * DatasetAccount}), so that several analysts cannot multiply what is learnt about the same people.
 * A query reserves on both before it runs, then commits, or is refunded only when its failure could
 * not depend on the data. Implementations must never let concurrent reservations spend past either
 * limit.
 *
 * <p>Settling is final: the first {@link #commit} or {@link #refund} of a reservation decides it,
 * and every later commit or refund of it (or of a reservation this ledger never handed out) changes
 * nothing and does not fail. In particular a refund after a commit gives nothing back: a committed
 * query may have released an answer, so its epsilon is spent for good. Callers settle a reservation
 * once; this rule only makes a mistaken second settlement harmless, so that error handling that
 * settles can never throw away the failure it is handling.
 *
 * <p>Every implementation passes the test kit's {@code BudgetLedgerContract}.
 */
public interface BudgetLedger {

  /**
   * Reserves {@code epsilon} on every account of {@code accounts} and on the dataset account of
   * each ({@link BudgetAccount#datasetAccount()}), or on none.
   *
   * @param accounts one analyst's accounts in one collaboration, one per dataset the query reads,
   *     each with the limits of that dataset's policy
   * @throws dev.cleanroom.querypolicy.PolicyException with code {@code BUDGET_EXHAUSTED} when any
   *     account, of the analyst or of all analysts, would exceed its limit; nothing is reserved
   *     then
   * @throws IllegalArgumentException when {@code accounts} is empty or mixes analysts
   */
  Reservation reserve(Map<BudgetAccount, BudgetLimit> accounts, BigDecimal epsilon, Instant now);

  /** Makes a reservation final, unless it was settled before. */
  void commit(Reservation reservation);

  /** Gives a reservation back to every account it was charged on, unless it was settled before. */
  void refund(Reservation reservation);

  /**
   * Epsilon spent or reserved by one analyst on {@code account} in the refresh period that contains
   * {@code now}.
   */
  BigDecimal spent(BudgetAccount account, BudgetLimit limit, Instant now);

  /**
   * Epsilon spent or reserved by all analysts together on {@code account} in the refresh period
   * that contains {@code now}.
   */
  BigDecimal spentByAllAnalysts(DatasetAccount account, BudgetLimit limit, Instant now);

  /**
   * What the analyst of {@code account} can still spend on its dataset in the refresh period that
   * contains {@code now}: the smaller of what is left of its own budget and of the shared ceiling.
   */
  default BigDecimal remaining(BudgetAccount account, BudgetLimit limit, Instant now) {
    return BudgetArithmetic.remaining(
        spent(account, limit, now),
        spentByAllAnalysts(account.datasetAccount(), limit, now),
        limit);
  }

  /**
   * A reservation handed out by {@link #reserve}; opaque to callers. The dataset accounts are
   * charged in the same periods as the analyst accounts they belong to.
   */
  record Reservation(String id, Map<BudgetAccount, String> periods, BigDecimal epsilon) {
    public Reservation {
      Objects.requireNonNull(id, "id is null");
      periods = Map.copyOf(periods);
      Objects.requireNonNull(epsilon, "epsilon is null");
    }
  }
}
