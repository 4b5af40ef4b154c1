package dev.cleanroom.querypolicy.release;

/** What one output column of a private query is, and so what the noise layer does to it. */
public enum ColumnRole {
  /** A group-by key: released as is when its group is released. */
  GROUP_KEY,
  /** {@code COUNT(DISTINCT unit)}: the exact number of distinct privacy units in the group. */
  DISTINCT_UNITS,
  /** A row count, each unit's contribution per group clamped to {@code [0, upper]}. */
  COUNT,
  /** A sum, each unit's contribution per group clamped to {@code [lower, upper]}. */
  SUM,
  /** An average, released as a noisy sum over a noisy count. */
  AVG,
  /**
   * A histogram of people per slice of a metric's bounds ({@link QuantileHistogram}): a block of
   * {@link QuantileHistogram#BUCKETS} exact fields from {@code valueField}, released as one {@link
   * NoisyHistogram} for one share.
   */
  HISTOGRAM
}
