package dev.cleanroom.querypolicy.audit;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.querypolicy.engine.InMemoryTable;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PrivacyParameters;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * One SQL query through the real pipeline: {@link QueryAnalyzer} (checks and private rewrite) and
 * the {@link ReferenceEngine}, over any rows of the demo tables, under the demo policies with the
 * audit's privacy parameters. The release spec does not depend on the rows.
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

  private static final QueryAnalyzer ANALYZER = new QueryAnalyzer();

  private final String sql;
  private final Map<TableName, DatasetPolicy> policies;
  private final ReferenceEngine engine;
  private final Map<Tables, List<Object[]>> exactRows = new IdentityHashMap<>();
  private ReleaseSpec releaseSpec;

  RewritePipeline(
      String sql,
      BigDecimal epsilon,
      int maxGroupsContributed,
      int minimumDistinctUnits,
      ReferenceEngine engine) {
    this.sql = requireNonNull(sql, "sql is null");
    this.engine = requireNonNull(engine, "engine is null");
    PrivacyParameters privacy =
        new PrivacyParameters(
            epsilon, 1e-6, maxGroupsContributed, 1, epsilon, epsilon, BudgetRefresh.NONE, false);
    this.policies =
        Map.of(
            TestPolicies.CUSTOMERS,
            withPrivacy(TestPolicies.customers(), minimumDistinctUnits, privacy),
            TestPolicies.IMPRESSIONS,
            withPrivacy(TestPolicies.impressions(), minimumDistinctUnits, privacy));
  }

  /** The release spec of the query; the same for every dataset. */
  ReleaseSpec releaseSpec() {
    if (releaseSpec == null) {
      releaseSpec = analyze(new Tables(List.of(), List.of())).releaseSpec();
    }
    return releaseSpec;
  }

  /**
   * The exact rows of the private plan over {@code tables}, computed (twice, to check they are
   * deterministic) on the first call per tables instance: planning dominates an audit otherwise.
   */
  List<Object[]> exactRows(Tables tables) {
    return exactRows.computeIfAbsent(
        tables,
        key -> {
          List<Object[]> once = engine.execute(analyze(key).plan());
          List<Object[]> twice = engine.execute(analyze(key).plan());
          if (!Arrays.deepEquals(sorted(once), sorted(twice))) {
            throw new IllegalStateException("the private plan's rows are not deterministic");
          }
          return once;
        });
  }

  private static Object[] sorted(List<Object[]> rows) {
    return rows.stream().sorted(Comparator.comparing(Arrays::toString)).toArray();
  }

  private PrivateQuery analyze(Tables tables) {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    root.add("retailer", new AbstractSchema())
        .add("customers", new InMemoryTable(TestCatalog.customers().columns(), tables.customers()));
    root.add("advertiser", new AbstractSchema())
        .add(
            "impressions",
            new InMemoryTable(TestCatalog.impressions().columns(), tables.impressions()));
    AnalysisResult result =
        ANALYZER.analyze(sql, new AnalysisContext(root, policies, "advertiser", TestCatalog.key()));
    if (!(result instanceof AnalysisResult.Accepted accepted)) {
      throw new IllegalStateException("the audited query is not accepted: " + result);
    }
    return accepted.query();
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
