package dev.cleanroom.querypolicy.lineage;

import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlKind;

/** Which aggregates are the quantiles the release answers from a noised histogram. */
public final class Percentiles {
  private Percentiles() {}

  /** {@code PERCENTILE_CONT} or {@code PERCENTILE_DISC}. */
  public static boolean isPercentile(SqlAggFunction function) {
    return function.getKind() == SqlKind.PERCENTILE_CONT
        || function.getKind() == SqlKind.PERCENTILE_DISC;
  }
}
