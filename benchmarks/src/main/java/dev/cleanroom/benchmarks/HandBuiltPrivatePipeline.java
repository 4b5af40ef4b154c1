package dev.cleanroom.benchmarks;

import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * Today's stand-in for {@link PrivateQueryPipeline}: the private plans of the two benchmark queries
 * built by hand in the rewrite's shape, and release without noise (noise costs microseconds per
 * group; the lead replaces this class with the real analyzer and noise layer).
 */
final class HandBuiltPrivatePipeline implements PrivateQueryPipeline {
  @Override
  public RelNode rewrite(String analystSql, RelBuilder builder) {
    if (analystSql.equals(BenchmarkQueries.Q1_SQL)) {
      return BenchmarkQueries.privateJoinPlan(builder);
    }
    if (analystSql.equals(BenchmarkQueries.Q2_SQL)) {
      return BenchmarkQueries.privateSingleTablePlan(builder);
    }
    throw new IllegalArgumentException("no hand-built private plan for this query");
  }

  @Override
  public List<Object[]> release(RelNode privatePlan, List<Object[]> exactRows) {
    return exactRows;
  }
}
