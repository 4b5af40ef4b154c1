package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * What one part of a query's epsilon (and delta) paid for, for the privacy report.
 * Data-independent: it follows from the spec alone.
 *
 * @param purpose what was paid for, in words: {@code "group release and distinct people"}, {@code
 *     "column reach"}, {@code "remainder row"}, {@code "suppressed-group count"}, ...
 * @param epsilon the epsilon it spent
 * @param delta the delta it spent (0 for noise alone)
 */
public record Spending(String purpose, BigDecimal epsilon, double delta) {

  public Spending {
    requireNonNull(purpose, "purpose is null");
    requireNonNull(epsilon, "epsilon is null");
    if (!(delta >= 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in [0, 1), was " + delta);
    }
  }
}
