package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import java.math.BigDecimal;

/**
 * The differential-privacy parameters of one dataset.
 *
 * @param epsilonPerQuery epsilon one query over this dataset spends (> 0)
 * @param delta delta of the group-release decision, in (0, 1)
 * @param maxGroupsContributed at most this many groups per privacy unit (>= 1)
 * @param maxContributionsPerGroup clamp of {@code COUNT(*)} per unit and group (>= 1)
 * @param budget total epsilon one analyst may spend on this dataset per refresh period (>=
 *     epsilonPerQuery)
 * @param datasetBudget total epsilon all analysts together may spend on this dataset per refresh
 *     period (>= epsilonPerQuery); a policy document without it sets it to {@code budget}, one
 *     budget shared by every analyst. It may be larger than {@code budget} (several analysts share
 *     a bigger ceiling) or smaller (then it, not {@code budget}, is what one analyst can spend)
 * @param budgetRefresh when both budgets start again
 * @param releaseRemainder whether suppressed groups are released together as one remainder row
 * @param maxRowsPerJoinKey in a join, at most this many rows of this table per join key and person
 *     take part (>= 1), chosen by a keyed hash before the join: it bounds the work, memory and time
 *     one person can cause, whatever another party uploads
 */
public record PrivacyParameters(
    BigDecimal epsilonPerQuery,
    double delta,
    int maxGroupsContributed,
    int maxContributionsPerGroup,
    BigDecimal budget,
    BigDecimal datasetBudget,
    BudgetRefresh budgetRefresh,
    boolean releaseRemainder,
    int maxRowsPerJoinKey) {

  public static final int DEFAULT_MAX_CONTRIBUTIONS_PER_GROUP = 1;
  public static final int DEFAULT_MAX_ROWS_PER_JOIN_KEY = 100;

  /** Parameters with the default {@link #DEFAULT_MAX_ROWS_PER_JOIN_KEY}. */
  public PrivacyParameters(
      BigDecimal epsilonPerQuery,
      double delta,
      int maxGroupsContributed,
      int maxContributionsPerGroup,
      BigDecimal budget,
      BigDecimal datasetBudget,
      BudgetRefresh budgetRefresh,
      boolean releaseRemainder) {
    this(
        epsilonPerQuery,
        delta,
        maxGroupsContributed,
        maxContributionsPerGroup,
        budget,
        datasetBudget,
        budgetRefresh,
        releaseRemainder,
        DEFAULT_MAX_ROWS_PER_JOIN_KEY);
  }

  public PrivacyParameters {
    requireNonNull(epsilonPerQuery, "epsilonPerQuery is null");
    requireNonNull(budget, "budget is null");
    requireNonNull(datasetBudget, "datasetBudget is null");
    requireNonNull(budgetRefresh, "budgetRefresh is null");
    if (epsilonPerQuery.signum() <= 0) {
      throw new IllegalArgumentException(
          "epsilonPerQuery must be > 0, was " + epsilonPerQuery.toPlainString());
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), was " + delta);
    }
    if (maxGroupsContributed < 1) {
      throw new IllegalArgumentException(
          "maxGroupsContributed must be >= 1, was " + maxGroupsContributed);
    }
    if (maxContributionsPerGroup < 1) {
      throw new IllegalArgumentException(
          "maxContributionsPerGroup must be >= 1, was " + maxContributionsPerGroup);
    }
    if (maxRowsPerJoinKey < 1) {
      throw new IllegalArgumentException(
          "maxRowsPerJoinKey must be >= 1, was " + maxRowsPerJoinKey);
    }
    if (budget.compareTo(epsilonPerQuery) < 0) {
      throw new IllegalArgumentException(
          "budget "
              + budget.toPlainString()
              + " is below epsilonPerQuery "
              + epsilonPerQuery.toPlainString()
              + ": not even one query could run");
    }
    if (datasetBudget.compareTo(epsilonPerQuery) < 0) {
      throw new IllegalArgumentException(
          "datasetBudget "
              + datasetBudget.toPlainString()
              + " is below epsilonPerQuery "
              + epsilonPerQuery.toPlainString()
              + ": not even one query could run");
    }
  }
}
