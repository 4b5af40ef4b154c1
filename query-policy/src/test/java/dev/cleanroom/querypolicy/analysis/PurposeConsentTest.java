package dev.cleanroom.querypolicy.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PolicyJson;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.ColumnType;
import dev.cleanroom.spi.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.junit.jupiter.api.Test;

/**
 * Consent by purpose: a table that records consent per purpose is read only for one of them, and
 * then only the rows consenting to it, on every scan (joins and per-person sub-queries included).
 */
class PurposeConsentTest {
  private static final QueryAnalyzer ANALYZER = new QueryAnalyzer();

  private static final String REACH =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach FROM advertiser.impressions i"
          + " JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY i.campaign_id";

  private static final String FREQUENCY =
      "SELECT LEAST(n, 5) AS frequency, COUNT(*) AS people FROM (SELECT c.customer_id, COUNT(*)"
          + " AS n FROM advertiser.impressions i JOIN retailer.customers c ON i.email_hash ="
          + " c.email_hash GROUP BY c.customer_id) t GROUP BY LEAST(n, 5)";

  /** The test customers with two purpose-bound consent columns besides the opt-out. */
  private static DatasetPolicy customers() {
    List<ColumnPolicy> columns = new ArrayList<>(TestPolicies.customerColumns());
    columns.add(ColumnPolicy.consentFor("consent_measurement", "measurement"));
    columns.add(ColumnPolicy.consentFor("consent_targeting", "targeting"));
    DatasetPolicy plain = TestPolicies.customers();
    return new DatasetPolicy(
        plain.table(),
        columns,
        plain.allowedJoins(),
        plain.minimumDistinctUnits(),
        plain.privacy(),
        plain.allowedAnalysts());
  }

  private static AnalysisContext context(String purpose) {
    List<DeclaredTable.Column> declared = new ArrayList<>(TestCatalog.customers().columns());
    declared.add(new DeclaredTable.Column("consent_measurement", ColumnType.parse("BOOLEAN")));
    declared.add(new DeclaredTable.Column("consent_targeting", ColumnType.parse("BOOLEAN")));
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    root.add("retailer", new AbstractSchema()).add("customers", new DeclaredTable(declared));
    root.add("advertiser", new AbstractSchema()).add("impressions", TestCatalog.impressions());
    Map<TableName, DatasetPolicy> policies =
        Map.of(
            TestPolicies.CUSTOMERS,
            customers(),
            TestPolicies.IMPRESSIONS,
            TestPolicies.impressions());
    return new AnalysisContext(root, policies, "advertiser", TestCatalog.key(), purpose);
  }

  private static List<ViolationCode> codes(String sql, String purpose) {
    AnalysisResult.Rejected rejected =
        assertInstanceOf(AnalysisResult.Rejected.class, ANALYZER.analyze(sql, context(purpose)));
    return rejected.violations().stream().map(Violation::code).toList();
  }

  private static String plan(String sql, String purpose) {
    PrivateQuery query =
        assertInstanceOf(AnalysisResult.Accepted.class, ANALYZER.analyze(sql, context(purpose)))
            .query();
    return RelOptUtil.toString(query.plan());
  }

  @Test
  void queryWithoutAPurpose_isRefusedOnATableThatRecordsConsentByPurpose() {
    assertEquals(List.of(ViolationCode.PURPOSE_REQUIRED), codes(REACH, null));
  }

  @Test
  void queryForAPurposeNobodyConsentedTo_isRefused() {
    assertEquals(List.of(ViolationCode.PURPOSE_NOT_CONSENTED), codes(REACH, "profiling"));
  }

  @Test
  void consentColumnOfAnotherPurpose_cannotBeReferenced() {
    String sql =
        "SELECT COUNT(DISTINCT c.customer_id) AS reach FROM retailer.customers c"
            + " WHERE c.consent_targeting";
    assertEquals(List.of(ViolationCode.CONSENT_REFERENCED), codes(sql, "measurement"));
  }

  @Test
  void joinForAPurpose_keepsOnlyTheRowsConsentingToIt_besideTheOptOut() {
    String measurement = plan(REACH, "measurement");
    String targeting = plan(REACH, "targeting");

    // The opt-out ($7) and the purpose's column ($8 measurement, $9 targeting) filter the scan.
    assertTrue(measurement.contains("LogicalFilter(condition=[$8])"), measurement);
    assertFalse(measurement.contains("LogicalFilter(condition=[$9])"), measurement);
    assertTrue(measurement.contains("LogicalFilter(condition=[NOT($7)])"), measurement);
    assertTrue(targeting.contains("LogicalFilter(condition=[$9])"), targeting);
    assertFalse(targeting.contains("LogicalFilter(condition=[$8])"), targeting);
  }

  @Test
  void perPersonSubQuery_isFilteredByThePurposeToo() {
    String plan = plan(FREQUENCY, "measurement");

    assertTrue(plan.contains("LogicalFilter(condition=[$8])"), plan);
  }

  @Test
  void tableWithoutPurposes_acceptsAnyPurpose_andAppliesOnlyItsOptOut() {
    AnalysisContext context = TestCatalog.context().withPurpose("measurement");
    PrivateQuery query =
        assertInstanceOf(AnalysisResult.Accepted.class, ANALYZER.analyze(REACH, context)).query();
    String plan = RelOptUtil.toString(query.plan());
    assertTrue(plan.contains("LogicalFilter(condition=[NOT($7)])"), plan);
    assertTrue(query.explanation().contains("opted_out is TRUE or NULL"));
  }

  @Test
  void explanation_namesThePurposesColumn() {
    PrivateQuery query =
        assertInstanceOf(
                AnalysisResult.Accepted.class, ANALYZER.analyze(REACH, context("targeting")))
            .query();
    assertTrue(
        query.explanation().contains("only the rows whose consent_targeting is TRUE"),
        query.explanation());
  }

  @Test
  void policyJson_readsAndWritesPurposes_andRefusesTwoColumnsForOnePurpose() {
    DatasetPolicy policy = customers();
    assertEquals(policy, PolicyJson.read(PolicyJson.write(policy)));
    assertEquals(List.of("measurement", "targeting"), List.copyOf(policy.purposes()));

    List<ColumnPolicy> twice = new ArrayList<>(TestPolicies.customerColumns());
    twice.add(ColumnPolicy.consentFor("consent_a", "measurement"));
    twice.add(ColumnPolicy.consentFor("consent_b", "measurement"));
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                new DatasetPolicy(
                    TestPolicies.CUSTOMERS,
                    twice,
                    List.of(),
                    50,
                    TestPolicies.privacy(),
                    java.util.Set.of("advertiser")));
    assertTrue(refused.getMessage().contains("two CONSENT columns for the purpose 'measurement'"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new ColumnPolicy(
                "zip",
                ColumnType.parse("VARCHAR"),
                ColumnClass.DIMENSION,
                null,
                java.util.Set.of(),
                null,
                List.of(),
                "measurement"));
  }
}
