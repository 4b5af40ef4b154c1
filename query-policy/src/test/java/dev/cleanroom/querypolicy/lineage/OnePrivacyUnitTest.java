package dev.cleanroom.querypolicy.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.querypolicy.analysis.ViolationCode;
import dev.cleanroom.querypolicy.policy.AllowedJoin;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A query counts one kind of person: tables reaching the people of two tables are refused. */
class OnePrivacyUnitTest {
  private static final QueryAnalyzer ANALYZER = new QueryAnalyzer();
  private static final String MESSAGE =
      "the query reads people of advertiser.impressions (advertiser.impressions.impression_id)"
          + " and of retailer.customers (retailer.customers.customer_id); one query may count one"
          + " kind of person only, so each can be bounded: query the tables separately, or ask the"
          + " privacy officers to link the keys to one privacy unit";

  /** The demo impressions, but each impression declared a privacy unit of its own. */
  private static AnalysisContext impressionsWithOwnUnit() {
    DatasetPolicy demo = TestPolicies.impressions();
    List<ColumnPolicy> columns = new ArrayList<>(demo.columns());
    columns.add(ColumnPolicy.of("impression_id", "BIGINT", ColumnClass.PRIVACY_UNIT));
    DatasetPolicy impressions =
        new DatasetPolicy(
            demo.table(),
            columns,
            demo.allowedJoins(),
            demo.minimumDistinctUnits(),
            demo.privacy(),
            demo.allowedAnalysts());
    return new AnalysisContext(
        TestCatalog.schema(),
        Map.of(
            TestPolicies.CUSTOMERS,
            TestPolicies.customers(),
            TestPolicies.IMPRESSIONS,
            impressions),
        "advertiser",
        TestCatalog.key());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT c.loyalty_tier, COUNT(DISTINCT c.customer_id) FROM advertiser.impressions i"
            + " JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY c.loyalty_tier",
        "SELECT c.loyalty_tier, COUNT(DISTINCT c.customer_id) FROM retailer.customers c"
            + " JOIN advertiser.impressions i ON i.email_hash = c.email_hash GROUP BY c.loyalty_tier",
        "SELECT c.loyalty_tier, COUNT(*) FROM advertiser.impressions i"
            + " JOIN retailer.customers c ON c.email_hash = i.email_hash GROUP BY c.loyalty_tier",
      })
  void joinOfTwoPrivacyUnits_isRefusedInEitherOrder(String sql) {
    AnalysisResult result = ANALYZER.analyze(sql, impressionsWithOwnUnit());

    Violation violation = onlyViolation(result);
    assertEquals(ViolationCode.SEVERAL_PRIVACY_UNITS, violation.code());
    assertEquals(MESSAGE, violation.message());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT campaign_id, COUNT(*) FROM advertiser.impressions GROUP BY campaign_id",
      })
  void tableWhoseRowsBelongToTwoKindsOfPerson_isRefusedAlone(String sql) {
    AnalysisResult result = ANALYZER.analyze(sql, impressionsWithOwnUnit());

    assertEquals(ViolationCode.SEVERAL_PRIVACY_UNITS, onlyViolation(result).code());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "SELECT c.loyalty_tier, COUNT(*) FROM advertiser.impressions i"
            + " JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY c.loyalty_tier",
        "SELECT c.loyalty_tier, COUNT(*) FROM retailer.customers c"
            + " JOIN advertiser.impressions i ON i.email_hash = c.email_hash GROUP BY c.loyalty_tier",
      })
  void joinReachingOneUnit_isBoundedByTheCustomerWhateverTheOrder(String sql) {
    AnalysisResult result = ANALYZER.analyze(sql, TestCatalog.context());

    AnalysisResult.Accepted accepted = assertInstanceOf(AnalysisResult.Accepted.class, result);
    // The per-unit aggregate groups by the customer's own unit column, not by a join key.
    assertTrue(
        accepted.query().explanation().contains("identified by retailer.customers.customer_id"),
        accepted.query().explanation());
  }

  private static Violation onlyViolation(AnalysisResult result) {
    AnalysisResult.Rejected rejected = assertInstanceOf(AnalysisResult.Rejected.class, result);
    assertEquals(1, rejected.violations().size(), () -> rejected.violations().toString());
    return rejected.violations().get(0);
  }

  /** The demo tables, with campaign_id = zip also declared as a join by both (a non-person key). */
  private static AnalysisContext joinOnANonPersonKey() {
    DatasetPolicy impressions = TestPolicies.impressions();
    List<ColumnPolicy> impressionColumns = new ArrayList<>();
    for (ColumnPolicy column : impressions.columns()) {
      impressionColumns.add(
          column.name().equals("campaign_id")
              ? ColumnPolicy.of("campaign_id", "VARCHAR", ColumnClass.JOIN_KEY)
              : column);
    }
    DatasetPolicy customers = TestPolicies.customers();
    List<ColumnPolicy> customerColumns = new ArrayList<>();
    for (ColumnPolicy column : customers.columns()) {
      customerColumns.add(
          column.name().equals("zip")
              ? ColumnPolicy.of("zip", "VARCHAR", ColumnClass.JOIN_KEY)
              : column);
    }
    List<AllowedJoin> impressionJoins = new ArrayList<>(impressions.allowedJoins());
    impressionJoins.add(new AllowedJoin("campaign_id", TestPolicies.CUSTOMERS, "zip"));
    List<AllowedJoin> customerJoins = new ArrayList<>(customers.allowedJoins());
    customerJoins.add(new AllowedJoin("zip", TestPolicies.IMPRESSIONS, "campaign_id"));
    return new AnalysisContext(
        TestCatalog.schema(),
        Map.of(
            TestPolicies.CUSTOMERS,
            new DatasetPolicy(
                customers.table(),
                customerColumns,
                customerJoins,
                customers.minimumDistinctUnits(),
                customers.privacy(),
                customers.allowedAnalysts()),
            TestPolicies.IMPRESSIONS,
            new DatasetPolicy(
                impressions.table(),
                impressionColumns,
                impressionJoins,
                impressions.minimumDistinctUnits(),
                impressions.privacy(),
                impressions.allowedAnalysts())),
        "advertiser",
        TestCatalog.key());
  }

  @Test
  void joinOnAKeyThatNamesNoPerson_isRefused() {
    AnalysisResult result =
        ANALYZER.analyze(
            "SELECT c.age_band, COUNT(*) FROM advertiser.impressions i JOIN retailer.customers c"
                + " ON i.campaign_id = c.zip GROUP BY c.age_band",
            joinOnANonPersonKey());

    Violation violation = onlyViolation(result);
    assertEquals(ViolationCode.JOIN_NOT_ON_PERSON, violation.code());
    assertEquals(
        "advertiser.impressions must be joined on advertiser.impressions.email_hash, which names a"
            + " person of retailer.customers, with a key of retailer.customers or another such key:"
            + " joined on other keys, one row would belong to two people",
        violation.message());
  }

  @Test
  void joinOnThePersonAndAnotherKey_isAccepted() {
    AnalysisResult result =
        ANALYZER.analyze(
            "SELECT c.age_band, COUNT(*) FROM advertiser.impressions i JOIN retailer.customers c"
                + " ON i.email_hash = c.email_hash AND i.campaign_id = c.zip GROUP BY c.age_band",
            joinOnANonPersonKey());

    assertInstanceOf(AnalysisResult.Accepted.class, result, result::toString);
  }
}
