package dev.cleanroom.querypolicy.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cleanroom.querypolicy.policy.AllowedJoin;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.MetricAggregate;
import dev.cleanroom.querypolicy.policy.MetricBounds;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.ColumnType;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.schema.SchemaPlus;
import org.junit.jupiter.api.Test;

/**
 * Equivalent joins written in any order, with their {@code ON} conditions either way round, are one
 * query: one private plan and one digest, so the server's cache and budget treat them as one.
 */
class JoinOrderDigestTest {
  private static final QueryAnalyzer ANALYZER = new QueryAnalyzer();
  private static final TableName CLICKS = new TableName("advertiser", "clicks");

  private static final String SELECT =
      "SELECT c.age_band, COUNT(DISTINCT c.customer_id) AS reach,"
          + " SUM(i.cost) / COUNT(*) * 1000 AS cpm, SUM(k.revenue) AS revenue";

  /** The demo tables and a third one, clicks, linked to the customers' unit like impressions. */
  private static AnalysisContext context() {
    SchemaPlus root = TestCatalog.schema();
    root.getSubSchema("advertiser")
        .add(
            "clicks",
            new DeclaredTable(
                List.of(
                    new DeclaredTable.Column("email_hash", ColumnType.parse("VARCHAR")),
                    new DeclaredTable.Column("revenue", ColumnType.parse("DOUBLE")))));
    DatasetPolicy customers = TestPolicies.customers();
    DatasetPolicy impressions = TestPolicies.impressions();
    return new AnalysisContext(
        root,
        Map.of(
            TestPolicies.CUSTOMERS,
            withJoins(
                customers,
                List.of(
                    new AllowedJoin("email_hash", TestPolicies.IMPRESSIONS, "email_hash"),
                    new AllowedJoin("email_hash", CLICKS, "email_hash"))),
            TestPolicies.IMPRESSIONS,
            withJoins(
                impressions,
                List.of(
                    new AllowedJoin("email_hash", TestPolicies.CUSTOMERS, "email_hash"),
                    new AllowedJoin("email_hash", CLICKS, "email_hash"))),
            CLICKS,
            new DatasetPolicy(
                CLICKS,
                List.of(
                    ColumnPolicy.linkedJoinKey("email_hash", "VARCHAR", TestPolicies.CUSTOMERS),
                    ColumnPolicy.metric(
                        "revenue",
                        "DOUBLE",
                        new MetricBounds(BigDecimal.ZERO, new BigDecimal("50")),
                        Set.of(MetricAggregate.SUM))),
                List.of(
                    new AllowedJoin("email_hash", TestPolicies.CUSTOMERS, "email_hash"),
                    new AllowedJoin("email_hash", TestPolicies.IMPRESSIONS, "email_hash")),
                50,
                TestPolicies.privacy(),
                Set.of("advertiser"))),
        "advertiser",
        TestCatalog.key());
  }

  private static DatasetPolicy withJoins(DatasetPolicy policy, List<AllowedJoin> joins) {
    return new DatasetPolicy(
        policy.table(),
        policy.columns(),
        joins,
        policy.minimumDistinctUnits(),
        policy.privacy(),
        policy.allowedAnalysts());
  }

  private static PrivateQuery accepted(String sql) {
    AnalysisResult result = ANALYZER.analyze(sql, context());
    if (result instanceof AnalysisResult.Rejected rejected) {
      throw new AssertionError("rejected: " + rejected.violations());
    }
    return ((AnalysisResult.Accepted) result).query();
  }

  @Test
  void twoTablesInEitherOrder_andOnEitherWayRound_shareThePlanAndTheDigest() {
    String select = "SELECT i.campaign_id, SUM(i.cost) / COUNT(DISTINCT c.customer_id) AS cpp";
    PrivateQuery forward =
        accepted(
            select
                + " FROM advertiser.impressions i JOIN retailer.customers c"
                + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id");
    PrivateQuery backward =
        accepted(
            select
                + " FROM retailer.customers c JOIN advertiser.impressions i"
                + " ON c.email_hash = i.email_hash GROUP BY i.campaign_id");
    PrivateQuery mixed =
        accepted(
            select
                + " FROM retailer.customers c JOIN advertiser.impressions i"
                + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id");

    assertEquals(forward.planText(), backward.planText());
    assertEquals(forward.canonicalDigest(), backward.canonicalDigest());
    assertEquals(forward.canonicalDigest(), mixed.canonicalDigest());
    assertEquals(forward.releaseSpec(), backward.releaseSpec());
  }

  @Test
  void threeTablesInAnyOrder_shareTheDigest() {
    List<String> froms =
        List.of(
            " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash ="
                + " c.email_hash JOIN advertiser.clicks k ON k.email_hash = c.email_hash",
            " FROM advertiser.clicks k JOIN retailer.customers c ON c.email_hash = k.email_hash"
                + " JOIN advertiser.impressions i ON c.email_hash = i.email_hash",
            " FROM retailer.customers c JOIN advertiser.clicks k ON k.email_hash = c.email_hash"
                + " JOIN advertiser.impressions i ON i.email_hash = c.email_hash",
            " FROM retailer.customers c JOIN advertiser.impressions i ON c.email_hash ="
                + " i.email_hash JOIN advertiser.clicks k ON c.email_hash = k.email_hash");
    String digest = accepted(SELECT + froms.get(0) + " GROUP BY c.age_band").canonicalDigest();
    for (String from : froms) {
      PrivateQuery query = accepted(SELECT + from + " GROUP BY c.age_band");
      assertEquals(digest, query.canonicalDigest(), from);
      // Every join of the plan is on a key: clicks and impressions each join the customers, so
      // the customers come between them, never a cross product of the two.
      assertFalse(query.planText().contains("condition=[true]"), query.planText());
      assertEquals(2, query.planText().split("LogicalJoin\\(condition=\\[=\\(").length - 1);
    }
    // WHERE conditions in another order are the same filter.
    assertEquals(
        accepted(
                SELECT
                    + froms.get(1)
                    + " WHERE i.campaign_id = 'c1' AND c.zip = '10001' GROUP BY c.age_band")
            .canonicalDigest(),
        accepted(
                SELECT
                    + froms.get(2)
                    + " WHERE c.zip = '10001' AND i.campaign_id = 'c1' GROUP BY c.age_band")
            .canonicalDigest());
    // A different question still has a different digest.
    assertNotEquals(
        digest,
        accepted(SELECT + froms.get(0) + " WHERE i.campaign_id = 'c2' GROUP BY c.age_band")
            .canonicalDigest());
    assertNotEquals(
        digest,
        accepted(SELECT.replace("* 1000", "* 100") + froms.get(0) + " GROUP BY c.age_band")
            .canonicalDigest());
  }

  @Test
  void derivedMetricsWithTheSameParts_differInTheirDigest() {
    String from =
        " FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash = c.email_hash"
            + " GROUP BY i.campaign_id";
    assertNotEquals(
        accepted("SELECT i.campaign_id, SUM(i.cost) / COUNT(*) AS x" + from).canonicalDigest(),
        accepted("SELECT i.campaign_id, COUNT(*) / SUM(i.cost) AS x" + from).canonicalDigest());
    assertNotEquals(
        accepted("SELECT i.campaign_id, COUNT(*) AS n" + from + " HAVING COUNT(*) > 5")
            .canonicalDigest(),
        accepted("SELECT i.campaign_id, COUNT(*) AS n" + from + " HAVING COUNT(*) > 6")
            .canonicalDigest());
  }

  @Test
  void wholeAndFractionalConstants_giveDifferentDigests() {
    String whole =
        QueryAnalyzerTest.accepted(
                "SELECT campaign_id, COUNT(*) / 2 AS half FROM advertiser.impressions"
                    + " GROUP BY campaign_id")
            .canonicalDigest();
    String fractional =
        QueryAnalyzerTest.accepted(
                "SELECT campaign_id, COUNT(*) / CAST(2 AS DECIMAL(3, 0)) AS half"
                    + " FROM advertiser.impressions GROUP BY campaign_id")
            .canonicalDigest();

    assertNotEquals(whole, fractional);
  }

  @Test
  void explicitNullOrdering_isRefused() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT campaign_id, SUM(cost) / COUNT(*) AS cpi FROM advertiser.impressions"
                + " GROUP BY campaign_id ORDER BY cpi DESC NULLS LAST");

    assertEquals(
        List.of(ViolationCode.UNSUPPORTED_CONSTRUCT),
        violations.stream().map(Violation::code).toList());
  }
}
