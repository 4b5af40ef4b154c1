package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * How one released column was noised, for the privacy report. Data-independent: it follows from the
 * spec alone, so it can also be shown before a query runs.
 *
 * @param column the output column name
 * @param mechanism the mechanism's name, e.g. {@code discrete-laplace} or {@code discrete-gaussian}
 * @param epsilon the share of the query's epsilon this column spends (for distinct units: the share
 *     of the group-release decision, whose noisy count is the released value); with Gaussian noise,
 *     what the column reveals on its own: its part of the query's ρ converted to ε, rounded up
 *     (zCDP parts compose by ρ, so these do not add up to the query's ε)
 * @param scale the Laplace scale, or the Gaussian σ, in output units (for AVG: of the noisy sum
 *     that is divided)
 * @param ci95HalfWidth the noise stays within plus or minus this with probability 95% (for AVG: of
 *     the noisy sum that is divided)
 * @param granularity the grid every released value of the column lies on
 */
public record ColumnNoise(
    String column,
    String mechanism,
    BigDecimal epsilon,
    BigDecimal scale,
    BigDecimal ci95HalfWidth,
    BigDecimal granularity) {

  public ColumnNoise {
    requireNonNull(column, "column is null");
    requireNonNull(mechanism, "mechanism is null");
    requireNonNull(epsilon, "epsilon is null");
    requireNonNull(scale, "scale is null");
    requireNonNull(ci95HalfWidth, "ci95HalfWidth is null");
    requireNonNull(granularity, "granularity is null");
  }
}
