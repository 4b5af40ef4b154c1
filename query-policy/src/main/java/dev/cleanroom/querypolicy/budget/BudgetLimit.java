package dev.cleanroom.querypolicy.budget;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * The epsilon that may be spent on one dataset per refresh period (the whole lifetime for NONE): by
 * one analyst, and by all analysts together. Both limits hold at once, so an analyst can spend at
 * most the smaller of the two.
 *
 * @param analystTotal the most one analyst may spend
 * @param datasetTotal the most all analysts together may spend
 */
public record BudgetLimit(BigDecimal analystTotal, BigDecimal datasetTotal, BudgetRefresh refresh) {
  public BudgetLimit {
    requireNonNull(analystTotal, "analystTotal is null");
    requireNonNull(datasetTotal, "datasetTotal is null");
    requireNonNull(refresh, "refresh is null");
    if (analystTotal.signum() <= 0) {
      throw new IllegalArgumentException("analyst budget must be > 0, was " + analystTotal);
    }
    if (datasetTotal.signum() <= 0) {
      throw new IllegalArgumentException("dataset budget must be > 0, was " + datasetTotal);
    }
  }
}
