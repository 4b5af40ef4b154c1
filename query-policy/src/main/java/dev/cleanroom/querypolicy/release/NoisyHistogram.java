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
 * @param simultaneousHalfWidth a half-width every slice's noise stays within, all slices at once,
 *     with probability at least 95% (each slice's at confidence {@code 1 - 0.05 / slices})
 */
public record NoisyHistogram(
    long[] counts, BigDecimal lower, BigDecimal upper, BigDecimal simultaneousHalfWidth)
    implements Comparable<NoisyHistogram> {
  private static final MathContext CONTEXT = DerivedExpression.CONTEXT;

  public NoisyHistogram {
    counts = requireNonNull(counts, "counts is null").clone();
    requireNonNull(lower, "lower is null");
    requireNonNull(upper, "upper is null");
    requireNonNull(simultaneousHalfWidth, "simultaneousHalfWidth is null");
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
   * every slice's noise is within {@link #simultaneousHalfWidth}, so with probability at least 95%
   * for a group whose release was never in doubt: from the lower edge of the first slice whose
   * running total may reach the quantile's rank to the upper edge of the first slice whose running
   * total surely does, with one person of slack on each side for SQL's interpolation between two
   * neighbouring values.
   */
  public Interval interval(BigDecimal fraction) {
    requireNonNull(fraction, "fraction is null");
    int slices = counts.length;
    BigDecimal[] low = new BigDecimal[slices];
    BigDecimal[] high = new BigDecimal[slices];
    for (int slice = 0; slice < slices; slice++) {
      BigDecimal count = BigDecimal.valueOf(counts[slice]);
      low[slice] = count.subtract(simultaneousHalfWidth).max(BigDecimal.ZERO);
      high[slice] = count.add(simultaneousHalfWidth).max(BigDecimal.ZERO);
    }
    BigDecimal rest = BigDecimal.ONE.subtract(fraction);
    int first = slices - 1;
    int last = slices - 1;
    BigDecimal mostBelow = BigDecimal.ZERO;
    BigDecimal leastBelow = BigDecimal.ZERO;
    BigDecimal leastAbove = sum(low);
    BigDecimal mostAbove = sum(high);
    boolean firstFound = false;
    for (int slice = 0; slice < slices; slice++) {
      mostBelow = mostBelow.add(high[slice]);
      leastBelow = leastBelow.add(low[slice]);
      leastAbove = leastAbove.subtract(low[slice]);
      mostAbove = mostAbove.subtract(high[slice]);
      // May the running total reach the rank, fraction x all, less one person?
      if (!firstFound
          && rest.multiply(mostBelow)
                  .subtract(fraction.multiply(leastAbove))
                  .add(BigDecimal.ONE)
                  .signum()
              >= 0) {
        first = slice;
        firstFound = true;
      }
      // Does it surely reach the rank plus two people?
      if (rest.multiply(leastBelow)
              .subtract(fraction.multiply(mostAbove))
              .subtract(BigDecimal.valueOf(2))
              .signum()
          >= 0) {
        last = slice;
        break;
      }
    }
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

  private static BigDecimal sum(BigDecimal[] values) {
    BigDecimal total = BigDecimal.ZERO;
    for (BigDecimal value : values) {
      total = total.add(value);
    }
    return total;
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
        && simultaneousHalfWidth.equals(that.simultaneousHalfWidth);
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
