package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * How a query's privacy was accounted, for the privacy report. Data-independent.
 *
 * @param mechanism {@code laplace}, {@code truncated-geometric} (Laplace noise, optimal release
 *     decision) or {@code gaussian}
 * @param epsilon the ε the query spends on the ledger, the policy's ε per query
 * @param delta the δ the query spends in total
 * @param rho for {@code gaussian}: the query's ρ (zCDP), the sum of its parts' ρ; null otherwise
 * @param convertedEpsilon for {@code gaussian}: ρ converted to ε at {@code conversionDelta},
 *     rounded up; never above {@code epsilon}; null otherwise
 * @param conversionDelta the part of δ spent converting ρ to (ε, δ) (0 without Gaussian noise)
 * @param selectionDelta the part of δ spent on release decisions (groups that cross the minimum)
 */
public record ReleaseAccounting(
    String mechanism,
    BigDecimal epsilon,
    double delta,
    BigDecimal rho,
    BigDecimal convertedEpsilon,
    double conversionDelta,
    double selectionDelta) {

  public ReleaseAccounting {
    requireNonNull(mechanism, "mechanism is null");
    requireNonNull(epsilon, "epsilon is null");
    if ((rho == null) != (convertedEpsilon == null)) {
      throw new IllegalArgumentException("rho and convertedEpsilon go together");
    }
  }

  /** Pure ε per column; all of δ on the release decisions. */
  public static ReleaseAccounting laplace(String mechanism, BigDecimal epsilon, double delta) {
    return new ReleaseAccounting(mechanism, epsilon, delta, null, null, 0, delta);
  }
}
