package dev.cleanroom.querypolicy.budget;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/** The total epsilon an account may spend per refresh period (the whole lifetime for NONE). */
public record BudgetLimit(BigDecimal total, BudgetRefresh refresh) {
  public BudgetLimit {
    requireNonNull(total, "total is null");
    requireNonNull(refresh, "refresh is null");
    if (total.signum() <= 0) {
      throw new IllegalArgumentException("budget total must be > 0, was " + total);
    }
  }
}
