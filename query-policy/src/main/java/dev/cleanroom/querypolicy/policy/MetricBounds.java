package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * Bounds of one privacy unit's total contribution to one group: the rewrite sums the unit's values
 * per group and clamps the sum to {@code [lower, upper]}.
 */
public record MetricBounds(BigDecimal lower, BigDecimal upper) {

  public MetricBounds {
    requireNonNull(lower, "lower is null");
    requireNonNull(upper, "upper is null");
    if (lower.compareTo(upper) > 0) {
      throw new IllegalArgumentException(
          "bounds are inverted: lower "
              + lower.toPlainString()
              + " > upper "
              + upper.toPlainString());
    }
  }

  /** The largest absolute value one unit can add to one group. */
  public BigDecimal maxAbsolute() {
    return lower.abs().max(upper.abs());
  }
}
