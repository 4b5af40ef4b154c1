package dev.cleanroom.querypolicy.lineage;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.policy.MetricBounds;
import java.math.BigDecimal;
import org.apache.calcite.rex.RexNode;

/**
 * One accepted aggregate of the analyst's query, as the rewrite computes it per unit and group.
 *
 * @param kind what is aggregated
 * @param argument the argument over the base row; {@code null} for row counts and distinct units;
 *     for conditional units an indicator that is non-NULL on the rows that count
 * @param bounds the metric's bounds for {@link Kind#SUM}, {@link Kind#AVG} and the {@link #spread()
 *     spreads}, else {@code null}
 * @param metric qualified name of the metric read, for explanations; {@code null} for counts
 * @param fraction for the percentiles only: the quantile asked for, in {@code [0, 1]}; else {@code
 *     null}
 */
public record Measure(
    Kind kind, RexNode argument, MetricBounds bounds, String metric, BigDecimal fraction) {

  /** What a measure aggregates. */
  public enum Kind {
    /** {@code COUNT(*)}. */
    COUNT_ROWS,
    /** {@code COUNT(x)}: rows where x is not NULL. */
    COUNT_VALUES,
    /** {@code COUNT(DISTINCT unit)}. */
    DISTINCT_UNITS,
    /** {@code SUM(x)}. */
    SUM,
    /** {@code AVG(x)}: a sum over a count. */
    AVG,
    /**
     * {@code COUNT(DISTINCT CASE WHEN c THEN unit END)}: the people with a row where the argument,
     * an indicator, is not NULL; each person counts at most once per group.
     */
    CONDITIONAL_UNITS,
    /** {@code VAR_POP(x)}: over the people of a group, of each one's clamped total of x. */
    VAR_POP,
    /** {@code VAR_SAMP(x)} and {@code VARIANCE(x)}: {@link #VAR_POP} times n / (n - 1). */
    VAR_SAMP,
    /** {@code STDDEV_POP(x)}: the square root of {@link #VAR_POP}. */
    STDDEV_POP,
    /** {@code STDDEV_SAMP(x)} and {@code STDDEV(x)}: the square root of {@link #VAR_SAMP}. */
    STDDEV_SAMP,
    /**
     * {@code PERCENTILE_CONT(q) WITHIN GROUP (ORDER BY x)}: over the people of a group, of each
     * one's clamped total of x, from a noised histogram.
     */
    PERCENTILE_CONT,
    /**
     * {@code PERCENTILE_DISC(q) WITHIN GROUP (ORDER BY x)}: answered as {@link #PERCENTILE_CONT}.
     */
    PERCENTILE_DISC
  }

  /** A measure that is not a percentile. */
  public Measure(Kind kind, RexNode argument, MetricBounds bounds, String metric) {
    this(kind, argument, bounds, metric, null);
  }

  public Measure {
    requireNonNull(kind, "kind is null");
    boolean needsArgument =
        kind == Kind.COUNT_VALUES
            || kind == Kind.SUM
            || kind == Kind.AVG
            || kind == Kind.CONDITIONAL_UNITS
            || isSpread(kind)
            || isPercentile(kind);
    if (needsArgument != (argument != null)) {
      throw new IllegalArgumentException(
          kind + " measure " + (needsArgument ? "needs" : "takes no") + " argument");
    }
    boolean needsBounds =
        kind == Kind.SUM || kind == Kind.AVG || isSpread(kind) || isPercentile(kind);
    if (needsBounds != (bounds != null)) {
      throw new IllegalArgumentException(
          kind + " measure " + (needsBounds ? "needs" : "takes no") + " bounds");
    }
    if (isPercentile(kind) != (fraction != null)) {
      throw new IllegalArgumentException(
          kind + " measure " + (isPercentile(kind) ? "needs" : "takes no") + " fraction");
    }
    if (fraction != null && (fraction.signum() < 0 || fraction.compareTo(BigDecimal.ONE) > 0)) {
      throw new IllegalArgumentException("fraction must be within [0, 1], was " + fraction);
    }
  }

  /** Whether this is a quantile, released from a noised histogram. */
  public boolean percentile() {
    return isPercentile(kind);
  }

  private static boolean isPercentile(Kind kind) {
    return kind == Kind.PERCENTILE_CONT || kind == Kind.PERCENTILE_DISC;
  }

  /** Whether this is a variance or standard deviation, released from three noised parts. */
  public boolean spread() {
    return isSpread(kind);
  }

  private static boolean isSpread(Kind kind) {
    return kind == Kind.VAR_POP
        || kind == Kind.VAR_SAMP
        || kind == Kind.STDDEV_POP
        || kind == Kind.STDDEV_SAMP;
  }
}
