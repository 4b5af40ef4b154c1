package dev.cleanroom.querypolicy.rewrite;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * One per-unit, per-group partial aggregate of the private plan, and the bounds its value is
 * clamped to before it is summed over units.
 *
 * @param kind what the partial computes
 * @param argument index of its argument among the projected arguments; {@code -1} for row counts
 * @param lower lower clamp bound
 * @param upper upper clamp bound
 */
record Partial(Kind kind, int argument, BigDecimal lower, BigDecimal upper) {

  enum Kind {
    COUNT_ROWS,
    COUNT_VALUES,
    SUM
  }

  Partial {
    requireNonNull(kind, "kind is null");
    requireNonNull(lower, "lower is null");
    requireNonNull(upper, "upper is null");
    if ((kind == Kind.COUNT_ROWS) != (argument < 0)) {
      throw new IllegalArgumentException(kind + " partial with argument " + argument);
    }
  }
}
