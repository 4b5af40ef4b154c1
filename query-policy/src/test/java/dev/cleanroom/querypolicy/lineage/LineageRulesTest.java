package dev.cleanroom.querypolicy.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.analysis.Violation;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The class rules on what expressions really read; the full corpus is in sql-examples. */
class LineageRulesTest {
  private static final QueryAnalyzer ANALYZER = new QueryAnalyzer();

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT e, COUNT(*) FROM (SELECT email AS e FROM retailer.customers) t GROUP BY e"
            + " | PII_REFERENCED retailer.customers.email",
        "SELECT age_band, COUNT(*) FROM retailer.customers WHERE customer_id = 7 GROUP BY age_band"
            + " | PRIVACY_UNIT_MISUSED retailer.customers.customer_id",
        "SELECT campaign_id, COUNT(*) FROM advertiser.impressions WHERE cost > 3 GROUP BY"
            + " campaign_id | METRIC_NOT_AGGREGATED advertiser.impressions.cost",
        "SELECT age_band, COUNT(DISTINCT zip) FROM retailer.customers GROUP BY age_band"
            + " | DISTINCT_NOT_ON_UNIT retailer.customers.zip",
        "SELECT campaign_id, MAX(cost) FROM advertiser.impressions GROUP BY campaign_id"
            + " | AGGREGATE_NOT_ALLOWED advertiser.impressions.cost",
        "SELECT c.age_band, COUNT(*) FROM advertiser.impressions i JOIN retailer.customers c"
            + " ON i.campaign_id = c.zip GROUP BY c.age_band"
            + " | JOIN_NOT_ON_DECLARED_KEYS retailer.customers",
        "SELECT opted_out, COUNT(*) FROM retailer.customers GROUP BY opted_out"
            + " | CONSENT_REFERENCED retailer.customers.opted_out",
        "SELECT COUNT(*) FROM advertiser.impressions WHERE UPPER(email_hash) = 'H1'"
            + " | JOIN_KEY_MISUSED advertiser.impressions.email_hash",
        "SELECT campaign_id, CAST(SUM(cost) / COUNT(*) AS VARCHAR(20)) FROM"
            + " advertiser.impressions GROUP BY campaign_id | POST_AGGREGATE_EXPRESSION",
        "SELECT campaign_id, CASE WHEN COUNT(*) > 5 THEN 'many' ELSE 'few' END FROM"
            + " advertiser.impressions GROUP BY campaign_id | POST_AGGREGATE_EXPRESSION",
        "SELECT campaign_id, COUNT(*) FROM advertiser.impressions GROUP BY campaign_id"
            + " HAVING campaign_id <> 'c1' | HAVING_NOT_ALLOWED",
        "SELECT campaign_id, COUNT(*) FROM advertiser.impressions GROUP BY campaign_id"
            + " HAVING COUNT(*) + CHAR_LENGTH(campaign_id) > 3 | HAVING_NOT_ALLOWED",
        "SELECT campaign_id, COUNT(*) AS n FROM advertiser.impressions GROUP BY campaign_id"
            + " ORDER BY CHAR_LENGTH(campaign_id) | ORDER_BY_NOT_OUTPUT",
        "SELECT campaign_id, COUNT(*) FROM advertiser.impressions GROUP BY campaign_id"
            + " HAVING MAX(cost) > 3 | AGGREGATE_NOT_ALLOWED advertiser.impressions.cost",
        "SELECT COUNT(*) FROM retailer.customers WHERE CHAR_LENGTH(zip) + 1 > 3"
            + " | FUNCTION_NOT_ALLOWED",
        "SELECT COUNT(*) FROM retailer.customers WHERE -CHAR_LENGTH(zip) < 0"
            + " | FUNCTION_NOT_ALLOWED",
        "SELECT COUNT(*) FROM retailer.customers WHERE CHAR_LENGTH(zip) / -1 < 0"
            + " | FUNCTION_NOT_ALLOWED",
        "SELECT COUNT(SUBSTRING(zip FROM 1 FOR -1)) FROM retailer.customers"
            + " | FUNCTION_NOT_ALLOWED",
        "SELECT COUNT(TRIM(BOTH 'ab' FROM zip)) FROM retailer.customers | FUNCTION_NOT_ALLOWED",
        "SELECT COUNT(*) FROM retailer.customers WHERE CAST(CHAR_LENGTH(zip) AS DECIMAL(19, 0))"
            + " * CAST(CHAR_LENGTH(zip) AS DECIMAL(19, 0)) > 3 | FUNCTION_NOT_ALLOWED",
        "SELECT COUNT(*) FROM retailer.customers WHERE CAST(CHAR_LENGTH(zip) AS DECIMAL(38, 2))"
            + " + CAST(CHAR_LENGTH(zip) AS DECIMAL(38, 2)) > 3 | FUNCTION_NOT_ALLOWED",
        "SELECT COUNT(*) FROM retailer.customers WHERE CAST(CHAR_LENGTH(zip) AS DECIMAL(10, 0))"
            + " / 0.5 > 3 | FUNCTION_NOT_ALLOWED",
        "SELECT COUNT(*) FROM retailer.customers WHERE CAST(CAST(CHAR_LENGTH(zip) AS"
            + " DECIMAL(12, 2)) AS DECIMAL(5, 2)) > 3 | FUNCTION_NOT_ALLOWED",
        "SELECT COUNT(TRIM(LEADING '' FROM zip)) FROM retailer.customers | FUNCTION_NOT_ALLOWED",
        "SELECT campaign_id, COUNT(*) AS n FROM advertiser.impressions GROUP BY campaign_id"
            + " ORDER BY n LIMIT 2147483648 | ROW_LIMIT_NOT_ALLOWED",
        "SELECT age_band, COUNT(DISTINCT CAST(customer_id AS DOUBLE)) FROM retailer.customers"
            + " GROUP BY age_band | DISTINCT_NOT_ON_UNIT retailer.customers.customer_id,"
            + " PRIVACY_UNIT_MISUSED retailer.customers.customer_id",
      })
  void refusedQuery_reportsExactlyTheseViolations(String sql, String expected) {
    AnalysisResult result = ANALYZER.analyze(sql, TestCatalog.context());
    List<Violation> violations =
        assertInstanceOf(AnalysisResult.Rejected.class, result).violations();
    assertEquals(
        Arrays.stream(expected.split(",")).map(String::strip).sorted().toList(),
        violations.stream()
            .map(v -> v.column() == null ? v.code().name() : v.code() + " " + v.column())
            .sorted()
            .toList());
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "SELECT campaign_id, SUM(cost * 2 + 1) FROM advertiser.impressions GROUP BY campaign_id",
        "SELECT COUNT(*) FROM retailer.customers WHERE CAST(CHAR_LENGTH(zip) AS DOUBLE) + 1 > 3",
        "SELECT COUNT(*) FROM retailer.customers WHERE CHAR_LENGTH(zip) / 2 > 1",
        "SELECT COUNT(SUBSTRING(zip FROM 1 FOR 3)) FROM retailer.customers",
        "SELECT COUNT(*) FROM retailer.customers WHERE CAST(CHAR_LENGTH(zip) AS DECIMAL(10, 0))"
            + " + 1.5 > 3",
        "SELECT COUNT(*) FROM retailer.customers WHERE CAST(CHAR_LENGTH(zip) AS DECIMAL(10, 0))"
            + " * 2.5 > 3",
        "SELECT COUNT(TRIM(BOTH '0' FROM zip)) FROM retailer.customers",
        "SELECT campaign_id, COUNT(*) AS n FROM advertiser.impressions GROUP BY campaign_id"
            + " ORDER BY n LIMIT 2147483647",
        "SELECT age_band, COUNT(DISTINCT CAST(customer_id AS VARCHAR)) FROM retailer.customers"
            + " GROUP BY age_band",
      })
  void failFreeExpression_isAccepted(String sql) {
    AnalysisResult result = ANALYZER.analyze(sql, TestCatalog.context());
    assertInstanceOf(AnalysisResult.Accepted.class, result, () -> result.toString());
  }
}
