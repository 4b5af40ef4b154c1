package dev.cleanroom.querypolicy.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueryAnalyzerTest {
  private static final QueryAnalyzer ANALYZER = new QueryAnalyzer();

  static PrivateQuery accepted(String sql) {
    AnalysisResult result = ANALYZER.analyze(sql, TestCatalog.context());
    if (result instanceof AnalysisResult.Rejected rejected) {
      throw new AssertionError("rejected: " + rejected.violations());
    }
    return ((AnalysisResult.Accepted) result).query();
  }

  static List<Violation> rejected(String sql) {
    return assertInstanceOf(
            AnalysisResult.Rejected.class, ANALYZER.analyze(sql, TestCatalog.context()))
        .violations();
  }

  @Test
  void piiColumnBehindAliasAndCte_isReportedWithItsPosition() {
    List<Violation> violations =
        rejected(
            "WITH x AS (SELECT email AS e, age_band FROM retailer.customers)\n"
                + "SELECT e, COUNT(*) FROM x GROUP BY e");
    Violation violation = violations.get(0);
    assertEquals(ViolationCode.PII_REFERENCED, violation.code());
    assertEquals("retailer.customers.email", violation.column());
    assertEquals(1, violation.line());
    assertEquals(19, violation.columnNumber());
  }

  @Test
  void manyViolations_areAllReported() {
    List<Violation> violations =
        rejected(
            "SELECT email, customer_id, lifetime_spend, COUNT(*) FROM retailer.customers"
                + " WHERE opted_out = FALSE GROUP BY email, customer_id, lifetime_spend");
    List<ViolationCode> codes = violations.stream().map(Violation::code).toList();
    assertTrue(codes.contains(ViolationCode.PII_REFERENCED), codes.toString());
    assertTrue(codes.contains(ViolationCode.PRIVACY_UNIT_MISUSED), codes.toString());
    assertTrue(codes.contains(ViolationCode.METRIC_NOT_AGGREGATED), codes.toString());
    assertTrue(codes.contains(ViolationCode.CONSENT_REFERENCED), codes.toString());
  }

  @Test
  void megabyteOfSql_isRefusedQuickly() {
    long start = System.nanoTime();
    PolicyException e =
        assertThrows(
            PolicyException.class,
            () -> ANALYZER.analyze("SELECT 1 " + " ".repeat(1 << 20), TestCatalog.context()));
    assertEquals(PolicyErrorCode.QUERY_TOO_COMPLEX, e.code());
    assertTrue(System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void fiveThousandNestedParentheses_areRefusedQuickly() {
    long start = System.nanoTime();
    String sql =
        "SELECT COUNT(*) FROM retailer.customers WHERE "
            + "(".repeat(5000)
            + "zip = '1'"
            + ")".repeat(5000);
    PolicyException e =
        assertThrows(PolicyException.class, () -> ANALYZER.analyze(sql, TestCatalog.context()));
    assertEquals(PolicyErrorCode.QUERY_TOO_COMPLEX, e.code());
    assertTrue(System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void tenThousandOrs_areRefusedQuickly() {
    long start = System.nanoTime();
    StringBuilder sql =
        new StringBuilder("SELECT COUNT(*) FROM retailer.customers WHERE zip = '0'");
    for (int i = 0; i < 10_000; i++) {
      sql.append(" OR zip = '").append(i).append('\'');
    }
    PolicyException e =
        assertThrows(
            PolicyException.class, () -> ANALYZER.analyze(sql.toString(), TestCatalog.context()));
    assertEquals(PolicyErrorCode.QUERY_TOO_COMPLEX, e.code());
    assertTrue(System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void nestedWithRepeatingAColumn_isRefusedQuickly() {
    StringBuilder sql =
        new StringBuilder(
            "WITH t0 AS (SELECT age_band, CAST(CHAR_LENGTH(zip) AS DOUBLE) AS z"
                + " FROM retailer.customers)");
    for (int level = 1; level <= 12; level++) {
      sql.append(", t")
          .append(level)
          .append(" AS (SELECT age_band, z + z + z + z AS z FROM t")
          .append(level - 1)
          .append(')');
    }
    sql.append(" SELECT age_band, COUNT(z) FROM t12 GROUP BY age_band");
    long start = System.nanoTime();
    PolicyException e =
        assertThrows(
            PolicyException.class, () -> ANALYZER.analyze(sql.toString(), TestCatalog.context()));
    assertEquals(PolicyErrorCode.QUERY_TOO_COMPLEX, e.code());
    assertTrue(System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void longArithmeticChain_isRefusedCleanly() {
    String sql =
        "SELECT COUNT(*) FROM retailer.customers WHERE CHAR_LENGTH(zip) "
            + "+ 1 ".repeat(1500)
            + "> 0";
    long start = System.nanoTime();
    PolicyException e =
        assertThrows(PolicyException.class, () -> ANALYZER.analyze(sql, TestCatalog.context()));
    assertEquals(PolicyErrorCode.QUERY_TOO_COMPLEX, e.code());
    assertTrue(System.nanoTime() - start < 1_000_000_000L);
  }

  @Test
  void manyPrefixOperators_areRefusedCleanly() {
    String sql =
        "SELECT COUNT(*) FROM retailer.customers WHERE " + "NOT ".repeat(3000) + "zip = '1'";
    PolicyException e =
        assertThrows(PolicyException.class, () -> ANALYZER.analyze(sql, TestCatalog.context()));
    assertEquals(PolicyErrorCode.QUERY_TOO_COMPLEX, e.code());
  }

  @Test
  void unknownTable_isUnknownObjectWithoutHints() {
    PolicyException e =
        assertThrows(
            PolicyException.class,
            () -> ANALYZER.analyze("SELECT COUNT(*) FROM retailer.secrets", TestCatalog.context()));
    assertEquals(PolicyErrorCode.UNKNOWN_OBJECT, e.code());
    assertTrue(e.getMessage().contains("line 1, column 22"), e.getMessage());
  }
}
