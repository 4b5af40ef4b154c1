package dev.cleanroom.benchmarks;

import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * The private query around the executor: the policy analyzer and rewrite (SQL to private plan) and
 * the noise layer (exact rows to released rows). The benchmark times {@link #rewrite}, the executor
 * and {@link #release} together as the private query.
 */
interface PrivateQueryPipeline {
  /** The private plan of the analyst's query. */
  RelNode rewrite(String analystSql, RelBuilder builder);

  /** The released rows for the exact rows of the private plan. */
  List<Object[]> release(RelNode privatePlan, List<Object[]> exactRows);
}
