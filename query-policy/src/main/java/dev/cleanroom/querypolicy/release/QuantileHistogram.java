package dev.cleanroom.querypolicy.release;

import dev.cleanroom.querypolicy.noise.LaplaceMechanism;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.Rational;
import dev.cleanroom.querypolicy.noise.ValueMechanism;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * The release of a {@link ColumnRole#HISTOGRAM} column: {@link #BUCKETS} exact counts of people per
 * equal slice of a metric's bounds, each noised with discrete Laplace noise of scale {@code m /
 * ε_share}.
 *
 * <p>Privacy: in one group a person adds 1 to exactly one slice (the slice of their total clamped
 * to the bounds) or to none (no value), so adding or removing a person moves the group's histogram
 * by at most 1 in L1 norm, and by the keyed choice of groups they are in at most {@code m} groups:
 * the histograms of all groups together have L1 sensitivity {@code m}. Independent Laplace noise of
 * scale {@code m / ε} on every count of a vector of L1 sensitivity {@code m} is ε-differentially
 * private, so the whole histogram, in every group, costs one share. A quantile read from it is
 * post-processing.
 */
public final class QuantileHistogram {
  /** Slices per histogram: fixed, so the release never depends on the data. */
  public static final int BUCKETS = 32;

  private static final double CONFIDENCE = 0.95;

  private QuantileHistogram() {}

  /** The noise of every slice: one person moves one slice by 1 in each of at most m groups. */
  static LaplaceMechanism mechanism(Rational epsilonShare, int maxGroupsContributed) {
    return LaplaceMechanism.builder()
        .maxContributionPerGroup(BigDecimal.ONE)
        .maxGroupsContributed(maxGroupsContributed)
        .epsilon(epsilonShare)
        .integerValued(true)
        .build();
  }

  /** The privacy report's entry: one share for the whole histogram, per-slice scale and width. */
  static ColumnNoise noise(ReleaseColumn column, LaplaceMechanism mechanism, Rational share) {
    return new ColumnNoise(
        column.name(),
        "discrete-laplace-histogram",
        share.toBigDecimal(MathContext.DECIMAL64).stripTrailingZeros(),
        mechanism.scale(),
        mechanism.halfWidth(CONFIDENCE),
        mechanism.granularity());
  }

  /** The last field of the column's block of slices in the exact row. */
  static int lastField(ReleaseColumn column) {
    return column.valueField() + BUCKETS - 1;
  }

  /** The noised histogram of one exact row (or the summed suppressed rows of the remainder). */
  static NoisyHistogram release(
      ReleaseColumn column,
      Object[] exact,
      ValueMechanism mechanism,
      NoiseSource source,
      java.util.function.BiFunction<Object[], Integer, BigDecimal> field) {
    long[] counts = new long[BUCKETS];
    for (int slice = 0; slice < BUCKETS; slice++) {
      counts[slice] =
          mechanism
              .release(field.apply(exact, column.valueField() + slice), source)
              .longValueExact();
    }
    return new NoisyHistogram(
        counts, column.lowerBound(), column.upperBound(), runningTotalHalfWidth(mechanism));
  }

  /**
   * {@code sqrt(B x 2 scale^2 / 0.05)}: {@code 2 scale^2} bounds the variance of discrete Laplace
   * noise of that scale, so Kolmogorov's inequality keeps every running total's noise within it
   * with probability at least 95%.
   */
  static BigDecimal runningTotalHalfWidth(ValueMechanism mechanism) {
    BigDecimal variance = mechanism.scale().pow(2).multiply(BigDecimal.valueOf(2));
    return variance
        .multiply(BigDecimal.valueOf(BUCKETS))
        .divide(BigDecimal.valueOf(1 - CONFIDENCE), MathContext.DECIMAL64)
        .sqrt(MathContext.DECIMAL64)
        .setScale(0, java.math.RoundingMode.CEILING);
  }
}
