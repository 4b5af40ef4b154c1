package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.release.DerivedExpression.Interval;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;

/**
 * The released histogram of one group: noised counts of people per equal slice of a metric's
 * bounds, and what follows from it after noise (a quantile and its interval). Post-processing of
 * released values: it spends no epsilon.
 *
 * @param counts the noised count of each slice, in order from {@code lower}
 * @param lower the metric's lower bound, the first slice's lower edge
 * @param upper the metric's upper bound, the last slice's upper edge
 * @param runningTotalHalfWidth a half-width the noise of every running total (the sum of the counts
 *     of the first slices) stays within, all running totals at once, with probability at least 95%:
 *     by Kolmogorov's inequality, {@code P(max_j |S_j| >= W) <= Var(S_B) / W^2} for the partial
 *     sums {@code S_j} of independent zero-mean noises, so {@code W = sqrt(B x variance / 0.05)}
 */
public record NoisyHistogram(
    long[] counts, BigDecimal lower, BigDecimal upper, BigDecimal runningTotalHalfWidth)
    implements Comparable<NoisyHistogram> {
  private static final MathContext CONTEXT = DerivedExpression.CONTEXT;

  public NoisyHistogram {
    counts = requireNonNull(counts, "counts is null").clone();
    requireNonNull(lower, "lower is null");
    requireNonNull(upper, "upper is null");
    requireNonNull(runningTotalHalfWidth, "runningTotalHalfWidth is null");
    if (counts.length == 0 || lower.compareTo(upper) >= 0) {
      throw new IllegalArgumentException("a histogram has slices and lower < upper");
    }
  }

  @Override
  public long[] counts() {
    return counts.clone();
  }

  /**
   * The {@code fraction} quantile: the noised counts cut at 0, the slice where their running total
   * reaches {@code fraction} of the whole, and a linear position inside that slice; {@code null}
   * when no count is positive.
   */
  public BigDecimal quantile(BigDecimal fraction) {
    requireNonNull(fraction, "fraction is null");
    long total = 0;
    for (long count : counts) {
      total += Math.max(0, count);
    }
    if (total == 0) {
      return null;
    }
    BigDecimal rank = fraction.multiply(BigDecimal.valueOf(total));
    long before = 0;
    for (int slice = 0; slice < counts.length; slice++) {
      long count = Math.max(0, counts[slice]);
      if (count > 0 && BigDecimal.valueOf(before + count).compareTo(rank) >= 0) {
        BigDecimal inside =
            rank.subtract(BigDecimal.valueOf(before))
                .max(BigDecimal.ZERO)
                .divide(BigDecimal.valueOf(count), CONTEXT);
        BigDecimal value = edge(slice).add(width().multiply(inside, CONTEXT), CONTEXT);
        return value.max(lower).min(upper);
      }
      before += count;
    }
    return upper;
  }

  /**
   * An interval that holds the quantile of the exact values (each person's clamped total) whenever
   * every running total's noise is within {@link #runningTotalHalfWidth} {@code W}, so with
   * probability at least 95% for a group whose release was never in doubt. With {@code C_j} the
   * running total up to slice j and {@code N} the whole, the exact quantile lies in the first slice
   * where {@code C_j - q N} reaches 0, give or take one person for SQL's interpolation between two
   * neighbouring values; the noise moves {@code C_j - q N} by at most {@code (1 + q) W} (a prefix
   * and a suffix of the noises). So the interval runs from the lower edge of the first slice where
   * that may have happened to the upper edge of the first slice where it surely has.
   */
  public Interval interval(BigDecimal fraction) {
    requireNonNull(fraction, "fraction is null");
    long total = 0;
    for (long count : counts) {
      total += count;
    }
    BigDecimal rank = fraction.multiply(BigDecimal.valueOf(total));
    BigDecimal slack = BigDecimal.ONE.add(fraction).multiply(runningTotalHalfWidth);
    int first = -1;
    int last = counts.length - 1;
    long running = 0;
    for (int slice = 0; slice < counts.length; slice++) {
      running += counts[slice];
      BigDecimal margin = BigDecimal.valueOf(running).subtract(rank);
      if (first < 0 && margin.add(slack).add(BigDecimal.ONE).signum() >= 0) {
        first = slice;
      }
      if (margin.subtract(slack).subtract(BigDecimal.valueOf(2)).signum() >= 0) {
        last = slice;
        break;
      }
    }
    first = first < 0 ? counts.length - 1 : first;
    return new Interval(edge(first), edge(Math.max(first, last) + 1));
  }

  private BigDecimal width() {
    return upper.subtract(lower).divide(BigDecimal.valueOf(counts.length), CONTEXT);
  }

  private BigDecimal edge(int slice) {
    return slice >= counts.length
        ? upper
        : lower.add(width().multiply(BigDecimal.valueOf(slice), CONTEXT), CONTEXT);
  }

  /** Histograms have no natural order; this one is total and stable, for canonical row order. */
  @Override
  public int compareTo(NoisyHistogram other) {
    return Arrays.compare(counts, other.counts);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NoisyHistogram that
        && Arrays.equals(counts, that.counts)
        && lower.equals(that.lower)
        && upper.equals(that.upper)
        && runningTotalHalfWidth.equals(that.runningTotalHalfWidth);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(counts) + lower.hashCode();
  }

  @Override
  public String toString() {
    return "NoisyHistogram" + Arrays.toString(counts);
  }
}
