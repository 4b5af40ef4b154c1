package dev.cleanroom.testkit.audit;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PrivacyParameters;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.Pipeline;
import dev.cleanroom.testkit.TestTables;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One SQL query through the real {@link Pipeline} (the analyzer's checks and private rewrite, then
 * the {@link ReferenceEngine}), over any rows of the demo tables, under the demo policies with the
 * audit's privacy parameters. The query is analysed once: neither its plan nor its release spec
 * depends on the rows.
 */
final class RewritePipeline {
  /**
   * Rows of {@code retailer.customers} and {@code advertiser.impressions} (TestCatalog columns).
   */
  record Tables(List<Object[]> customers, List<Object[]> impressions) {
    Tables {
      customers = List.copyOf(requireNonNull(customers, "customers is null"));
      impressions = List.copyOf(requireNonNull(impressions, "impressions is null"));
    }
  }

  private final Pipeline pipeline;
  private final PrivateQuery query;
  private final BufferAllocator allocator;
  private final Engine engine;
  private final Map<Tables, List<Object[]>> exactRows = new IdentityHashMap<>();

  /** A pipeline whose tables and queries hold their memory on {@code allocator}. */
  RewritePipeline(
      String sql,
      BigDecimal epsilon,
      int maxGroupsContributed,
      int minimumDistinctUnits,
      BufferAllocator allocator) {
    PrivacyParameters privacy =
        new PrivacyParameters(
            epsilon, 1e-6, maxGroupsContributed, 1, epsilon, epsilon, BudgetRefresh.NONE, false);
    Map<TableName, DatasetPolicy> policies =
        Map.of(
            TestPolicies.CUSTOMERS,
            withPrivacy(TestPolicies.customers(), minimumDistinctUnits, privacy),
            TestPolicies.IMPRESSIONS,
            withPrivacy(TestPolicies.impressions(), minimumDistinctUnits, privacy));
    this.pipeline =
        new Pipeline(
            new AnalysisContext(TestCatalog.schema(), policies, "advertiser", TestCatalog.key()));
    this.query = pipeline.accepted(requireNonNull(sql, "sql is null"));
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.engine = new ReferenceEngine(allocator);
  }

  /** What the answer computes from the released columns; the same for every dataset. */
  PostProcessing postProcessing() {
    return query.postProcessing();
  }

  /** The release spec of the query; the same for every dataset. */
  ReleaseSpec releaseSpec() {
    return query.releaseSpec();
  }

  /**
   * The exact rows of the private plan over {@code tables}, computed (twice, to check they are
   * deterministic) on the first call per tables instance.
   */
  List<Object[]> exactRows(Tables tables) {
    return exactRows.computeIfAbsent(
        tables,
        key -> {
          try (InMemoryTable customers = TestTables.customers(key.customers(), allocator);
              InMemoryTable impressions = TestTables.impressions(key.impressions(), allocator)) {
            Map<TableName, InMemoryTable> bound =
                Map.of(TestPolicies.CUSTOMERS, customers, TestPolicies.IMPRESSIONS, impressions);
            List<Object[]> once = pipeline.exactRows(query, engine, bound);
            List<Object[]> twice = pipeline.exactRows(query, engine, bound);
            if (!Arrays.deepEquals(sorted(once), sorted(twice))) {
              throw new IllegalStateException("the private plan's rows are not deterministic");
            }
            return once;
          }
        });
  }

  private static Object[] sorted(List<Object[]> rows) {
    return rows.stream().sorted(Comparator.comparing(Arrays::toString)).toArray();
  }

  private static DatasetPolicy withPrivacy(
      DatasetPolicy policy, int minimumDistinctUnits, PrivacyParameters privacy) {
    return new DatasetPolicy(
        policy.table(),
        policy.columns(),
        policy.allowedJoins(),
        minimumDistinctUnits,
        privacy,
        policy.allowedAnalysts());
  }
}
