package dev.cleanroom.querypolicy.rewrite;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * One per-unit, per-group partial aggregate of the private plan, and the bounds its value is
 * clamped to before it is summed over units.
 *
 * @param kind what the partial computes
 * @param argument index of its argument among the projected arguments; {@code -1} for row counts
 * @param lower lower clamp bound (for the centred kinds: of the unit's sum, before centring)
 * @param upper upper clamp bound (for the centred kinds: of the unit's sum, before centring)
 * @param bucket for {@link Kind#BUCKET}: which of the {@code buckets} equal slices of {@code
 *     [lower, upper]} it counts, from 0; else {@code -1}
 * @param buckets for {@link Kind#BUCKET}: the number of slices; else {@code 0}
 */
record Partial(
    Kind kind, int argument, BigDecimal lower, BigDecimal upper, int bucket, int buckets) {

  enum Kind {
    COUNT_ROWS,
    COUNT_VALUES,
    SUM,
    /** The unit's clamped sum minus the bounds' midpoint: within [-h, h], h half the width. */
    CENTERED_SUM,
    /** The square of {@link #CENTERED_SUM}: within [0, h^2]. */
    CENTERED_SQUARE,
    /** 1 if the unit's clamped sum falls into the partial's slice of the bounds, else 0. */
    BUCKET
  }

  Partial(Kind kind, int argument, BigDecimal lower, BigDecimal upper) {
    this(kind, argument, lower, upper, -1, 0);
  }

  Partial {
    requireNonNull(kind, "kind is null");
    requireNonNull(lower, "lower is null");
    requireNonNull(upper, "upper is null");
    if ((kind == Kind.COUNT_ROWS) != (argument < 0)) {
      throw new IllegalArgumentException(kind + " partial with argument " + argument);
    }
    if ((kind == Kind.BUCKET) != (buckets > 0) || bucket >= buckets) {
      throw new IllegalArgumentException(kind + " partial with bucket " + bucket + "/" + buckets);
    }
  }

  /** Whether the partial is a sum, counted in fixed-point units. */
  boolean fixedPoint() {
    return kind == Kind.SUM || kind == Kind.CENTERED_SUM || kind == Kind.CENTERED_SQUARE;
  }

  /** The lower edge of a bucket's slice: {@code lower + bucket * (upper - lower) / buckets}. */
  BigDecimal bucketEdge(int index) {
    return lower.add(
        upper
            .subtract(lower)
            .multiply(BigDecimal.valueOf(index))
            .divide(BigDecimal.valueOf(buckets), java.math.MathContext.DECIMAL64));
  }

  /** The midpoint of the clamp bounds, which the centred kinds subtract. */
  BigDecimal center() {
    return lower.add(upper).divide(BigDecimal.valueOf(2));
  }

  /** Half the width of the clamp bounds: how far a centred sum can be from zero. */
  BigDecimal halfWidth() {
    return upper.subtract(lower).divide(BigDecimal.valueOf(2));
  }

  /** The lower bound of the value summed over units (after centring and squaring). */
  BigDecimal releasedLower() {
    return switch (kind) {
      case CENTERED_SUM -> halfWidth().negate();
      case CENTERED_SQUARE -> BigDecimal.ZERO;
      default -> lower;
    };
  }

  /** The upper bound of the value summed over units (after centring and squaring). */
  BigDecimal releasedUpper() {
    return switch (kind) {
      case CENTERED_SUM -> halfWidth();
      case CENTERED_SQUARE -> halfWidth().multiply(halfWidth());
      default -> upper;
    };
  }
}
