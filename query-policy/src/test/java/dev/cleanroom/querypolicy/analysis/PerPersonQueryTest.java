package dev.cleanroom.querypolicy.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.policy.AllowedJoin;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Aggregates over per-person sub-queries: what is accepted, how it is planned, what is refused. */
class PerPersonQueryTest {
  private static final String FREQUENCY =
      "(SELECT email_hash, COUNT(*) AS n FROM advertiser.impressions GROUP BY email_hash) AS p";

  @Test
  void frequencyDistribution_aggregatesPerPersonBeforeBoundingContributions() {
    PrivateQuery query =
        QueryAnalyzerTest.accepted(
            "SELECT LEAST(n, 5) AS frequency, COUNT(*) AS people FROM "
                + FREQUENCY
                + " GROUP BY LEAST(n, 5)");
    String plan = query.planText();
    int perPerson = plan.indexOf("LogicalAggregate(group=[{0, 1}], a0=[COUNT()])");
    int perPersonAndGroup = plan.indexOf("LogicalAggregate(group=[{0, 1}], p0=[COUNT()])");
    int rank = plan.indexOf("ROW_NUMBER()");
    int scan = plan.indexOf("LogicalTableScan(table=[[advertiser, impressions]])");
    assertTrue(perPerson > 0 && perPersonAndGroup > 0, plan);
    // Deeper operators come later in the text: scan, per-person rows, per-person-and-group, rank.
    assertTrue(rank < perPersonAndGroup && perPersonAndGroup < perPerson && perPerson < scan, plan);
    assertTrue(query.explanation().contains("computed per person"), query.explanation());
  }

  @Test
  void clampedSum_takesTheClampAsItsBounds() {
    PrivateQuery query =
        QueryAnalyzerTest.accepted(
            "SELECT SUM(GREATEST(LEAST(n, 5), 1)) AS impressions FROM " + FREQUENCY);
    ReleaseColumn sum = query.releaseSpec().columns().get(0);
    assertEquals(0, BigDecimal.ONE.compareTo(sum.lowerBound()), sum.toString());
    assertEquals(0, BigDecimal.valueOf(5).compareTo(sum.upperBound()), sum.toString());
  }

  @Test
  void havingAndOuterWhere_bothFilterThePerPersonRows() {
    String plan =
        QueryAnalyzerTest.accepted(
                "SELECT COUNT(*) AS people FROM (SELECT email_hash, COUNT(*) AS n FROM"
                    + " advertiser.impressions GROUP BY email_hash HAVING COUNT(*) > 1) AS p"
                    + " WHERE n < 10")
            .planText();
    assertTrue(plan.contains("LogicalFilter(condition=[AND(>($1, 1), <($1, 10))])"), plan);
  }

  @Test
  void unboundedGroupKey_isRefusedWithHowToBoundIt() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT n, COUNT(*) AS people FROM " + FREQUENCY + " GROUP BY n");
    assertEquals(1, violations.size(), violations.toString());
    assertEquals(ViolationCode.PER_PERSON_VALUE_UNBOUNDED, violations.get(0).code());
    assertTrue(violations.get(0).message().contains("LEAST(n, 10)"), violations.toString());
  }

  @Test
  void sumClampedAboveOnly_isRefused() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT SUM(LEAST(s, 50.0)) AS spend FROM (SELECT email_hash, SUM(cost) AS s FROM"
                + " advertiser.impressions GROUP BY email_hash) AS p");
    assertEquals(
        List.of(ViolationCode.PER_PERSON_VALUE_UNBOUNDED),
        violations.stream().map(Violation::code).toList());
  }

  @Test
  void unitInOuterGroupKey_isRefusedOnTheUnitColumnOnly() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT customer_id, COUNT(*) AS people FROM (SELECT customer_id, COUNT(*) AS n FROM"
                + " retailer.customers GROUP BY customer_id) AS p GROUP BY customer_id");
    assertEquals(1, violations.size(), violations.toString());
    assertEquals(ViolationCode.PRIVACY_UNIT_MISUSED, violations.get(0).code());
    assertEquals("retailer.customers.customer_id", violations.get(0).column());
  }

  @Test
  void subQueryNotGroupedByPerson_isNestedAggregation() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT COUNT(*) AS campaigns FROM (SELECT campaign_id, COUNT(*) AS n FROM"
                + " advertiser.impressions GROUP BY campaign_id) AS p");
    assertEquals(
        List.of(ViolationCode.NESTED_AGGREGATION),
        violations.stream().map(Violation::code).toList());
  }

  @Test
  void twoDistinctCountsPerPerson_areRefused() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT COUNT(*) AS people FROM (SELECT email_hash, COUNT(DISTINCT campaign_id) AS c,"
                + " COUNT(DISTINCT ts) AS t FROM advertiser.impressions GROUP BY email_hash) AS p");
    assertEquals(
        List.of(ViolationCode.UNSUPPORTED_CONSTRUCT),
        violations.stream().map(Violation::code).toList());
  }

  @Test
  void distinctCountNextToOtherAggregates_isComputedInTwoSteps() {
    String plan =
        QueryAnalyzerTest.accepted(
                "SELECT SUM(LEAST(c, 3)) AS campaigns, SUM(LEAST(n, 9)) AS impressions FROM"
                    + " (SELECT email_hash, COUNT(DISTINCT campaign_id) AS c, COUNT(*) AS n FROM"
                    + " advertiser.impressions GROUP BY email_hash) AS p")
            .planText();
    // One row per (person, unit, campaign) with the row counts, then per person: distinct
    // campaigns counted, row counts added up.
    int perValue = plan.indexOf("LogicalAggregate(group=[{0, 1, 2}], p1=[COUNT()])");
    int perPerson =
        plan.indexOf("LogicalAggregate(group=[{0, 1}], a0=[COUNT($2)], a1=[$SUM0($3)])");
    assertTrue(perPerson > 0 && perValue > perPerson, plan);
  }

  @Test
  void perPersonSubQueryOfDepthTwo_isRefused() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT COUNT(*) AS buckets FROM (SELECT LEAST(n, 3) AS f, COUNT(*) AS people FROM "
                + FREQUENCY
                + " GROUP BY LEAST(n, 3)) AS q");
    assertTrue(
        violations.stream().anyMatch(v -> v.code() == ViolationCode.NESTED_AGGREGATION),
        violations.toString());
  }

  private static final String EXPOSURE =
      "(SELECT email_hash, COUNT(*) AS n FROM advertiser.impressions GROUP BY email_hash) AS e";

  @Test
  void exposedVersusUnexposed_leftJoinsTheCustomersToThePerPersonRows() {
    PrivateQuery query =
        QueryAnalyzerTest.accepted(
            "SELECT CASE WHEN e.n IS NULL THEN 'control' ELSE 'exposed' END AS audience,"
                + " COUNT(*) AS customers, SUM(c.lifetime_spend) AS spend"
                + " FROM retailer.customers c LEFT JOIN "
                + EXPOSURE
                + " ON c.email_hash = e.email_hash"
                + " GROUP BY CASE WHEN e.n IS NULL THEN 'control' ELSE 'exposed' END");
    assertTrue(query.planText().contains("joinType=[left]"), query.planText());
    assertTrue(query.explanation().contains("meets at most one row"), query.explanation());
    // The customer is the person: spend keeps the customers' declared bounds.
    ReleaseColumn spend = query.releaseSpec().columns().get(2);
    assertEquals(0, BigDecimal.valueOf(10000).compareTo(spend.upperBound()), spend.toString());
  }

  @Test
  void leftJoinToRowsPerPersonAndCampaign_isRefused() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT COUNT(*) AS customers FROM retailer.customers c LEFT JOIN (SELECT email_hash,"
                + " campaign_id, COUNT(*) AS n FROM advertiser.impressions GROUP BY email_hash,"
                + " campaign_id) AS e ON c.email_hash = e.email_hash");
    assertEquals(
        List.of(ViolationCode.JOIN_TYPE_NOT_ALLOWED),
        violations.stream().map(Violation::code).toList());
  }

  @Test
  void leftJoinToRowsNotAggregated_isRefused() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT COUNT(*) AS customers FROM retailer.customers c LEFT JOIN (SELECT email_hash,"
                + " campaign_id FROM advertiser.impressions) AS e ON c.email_hash = e.email_hash");
    assertTrue(
        violations.stream().anyMatch(v -> v.code() == ViolationCode.JOIN_TYPE_NOT_ALLOWED),
        violations.toString());
  }

  @Test
  void rightJoinToPerPersonRows_isRefused() {
    List<Violation> violations =
        QueryAnalyzerTest.rejected(
            "SELECT COUNT(*) AS customers FROM "
                + EXPOSURE
                + " RIGHT JOIN retailer.customers c ON c.email_hash = e.email_hash");
    assertTrue(
        violations.stream().anyMatch(v -> v.code() == ViolationCode.JOIN_TYPE_NOT_ALLOWED),
        violations.toString());
  }

  @Test
  void derivedMetricOverPerPersonValues_namesItsPartsByTheSubQuerysAggregates() {
    PrivateQuery query =
        QueryAnalyzerTest.accepted(
            "SELECT SUM(LEAST(n, 5)) * 1.0 / COUNT(*) AS average_frequency FROM " + FREQUENCY);
    List<String> names = query.releaseSpec().columns().stream().map(ReleaseColumn::name).toList();
    assertTrue(
        names.contains("SUM(CASE WHEN (COUNT(*) < 5) THEN COUNT(*) ELSE 5 END)"), names.toString());
    assertTrue(names.contains("COUNT(*)"), names.toString());
  }

  /**
   * The demo policies, but each impression also names a second person of the customers table (its
   * {@code impression_id} declared a join key linked to the customers, with a declared join to
   * {@code customer_id}): a table with two keys naming people.
   */
  private static AnalysisContext impressionsNamingTwoPeople() {
    DatasetPolicy demoImpressions = TestPolicies.impressions();
    List<ColumnPolicy> columns = new ArrayList<>(demoImpressions.columns());
    columns.add(ColumnPolicy.linkedJoinKey("impression_id", "BIGINT", TestPolicies.CUSTOMERS));
    List<AllowedJoin> impressionJoins = new ArrayList<>(demoImpressions.allowedJoins());
    impressionJoins.add(new AllowedJoin("impression_id", TestPolicies.CUSTOMERS, "customer_id"));
    DatasetPolicy demoCustomers = TestPolicies.customers();
    List<AllowedJoin> customerJoins = new ArrayList<>(demoCustomers.allowedJoins());
    customerJoins.add(new AllowedJoin("customer_id", TestPolicies.IMPRESSIONS, "impression_id"));
    return new AnalysisContext(
        TestCatalog.schema(),
        Map.of(
            TestPolicies.CUSTOMERS,
            new DatasetPolicy(
                demoCustomers.table(),
                demoCustomers.columns(),
                customerJoins,
                demoCustomers.minimumDistinctUnits(),
                demoCustomers.privacy(),
                demoCustomers.allowedAnalysts()),
            TestPolicies.IMPRESSIONS,
            new DatasetPolicy(
                demoImpressions.table(),
                columns,
                impressionJoins,
                demoImpressions.minimumDistinctUnits(),
                demoImpressions.privacy(),
                demoImpressions.allowedAnalysts())),
        "advertiser",
        TestCatalog.key());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT COUNT(*) AS customers FROM retailer.customers c LEFT JOIN (SELECT impression_id,"
            + " COUNT(*) AS n FROM advertiser.impressions GROUP BY impression_id) e"
            + " ON c.customer_id = e.impression_id",
        "SELECT COUNT(*) AS people FROM (SELECT impression_id, COUNT(*) AS n"
            + " FROM advertiser.impressions GROUP BY impression_id) AS p",
      })
  void perPersonRowsOfATableNamingTwoPeople_areRefused(String sql) {
    AnalysisResult result = new QueryAnalyzer().analyze(sql, impressionsNamingTwoPeople());

    List<Violation> violations = ((AnalysisResult.Rejected) result).violations();
    assertEquals(1, violations.size(), violations.toString());
    assertEquals(ViolationCode.UNSUPPORTED_CONSTRUCT, violations.get(0).code());
    assertEquals("advertiser.impressions.impression_id", violations.get(0).column());
    assertTrue(
        violations.get(0).message().contains("names people in more than one column"),
        violations.get(0).message());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT COUNT(*) FILTER (WHERE n >= 3) AS people FROM " + FREQUENCY,
        "SELECT COUNT(*) AS people FROM (SELECT email_hash, COUNT(*) FILTER (WHERE clicked) AS n"
            + " FROM advertiser.impressions GROUP BY email_hash) AS p",
      })
  void filterClauseInAPerPersonQuery_isRefused(String sql) {
    List<Violation> violations = QueryAnalyzerTest.rejected(sql);

    assertEquals(
        List.of(ViolationCode.AGGREGATE_CLAUSE_NOT_ALLOWED),
        violations.stream().map(Violation::code).toList(),
        violations.toString());
  }
}
