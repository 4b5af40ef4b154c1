package dev.cleanroom.server.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.querypolicy.analysis.ViolationCode;
import dev.cleanroom.server.audit.AuditEntry;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each kind of query event renders the audit text the log has always stored. */
class QueryAuditEventTest {
  private static final String ID = "q-00000000-0000-0000-0000-000000000001";
  private static final ReadVersions VERSIONS =
      new ReadVersions(
          Map.of("retailer.customers", 3, "advertiser.impressions", 1),
          Map.of("retailer.customers", 2, "advertiser.impressions", 1));
  private static final List<String> TABLES =
      List.of("advertiser.impressions", "retailer.customers");
  private static final BigDecimal HALF = new BigDecimal("0.5");

  @Test
  void freshAnswer_rowsSuppressedGroupsVersionsAndTheEpsilonSpent() {
    assertEquals(
        new AuditEntry(
            "advertiser",
            "QUERY_ANSWERED",
            TABLES,
            "queryId="
                + ID
                + " cached=false rows=7 suppressedGroups=2 options=suppressedGroups purpose=none"
                + " releaseRule=threshold engine=vectorized"
                + " data={advertiser.impressions=1, retailer.customers=3}"
                + " policies={advertiser.impressions=1, retailer.customers=2}",
            HALF,
            "SUCCESS"),
        QueryAuditEvent.answered(
                "advertiser",
                ID,
                VERSIONS,
                7,
                2L,
                HALF,
                new QueryOptions(true, false, null, null),
                "threshold",
                "vectorized")
            .toEntry());
  }

  @Test
  void answerWithoutTheSuppressedCount_recordsItsOptionsAndPublicKeys() {
    assertEquals(
        new AuditEntry(
            "advertiser",
            "QUERY_ANSWERED",
            TABLES,
            "queryId="
                + ID
                + " cached=false rows=12 options=otherRow purpose=measurement"
                + " releaseRule=public-keys:policy"
                + " engine=spark"
                + " data={advertiser.impressions=1, retailer.customers=3}"
                + " policies={advertiser.impressions=1, retailer.customers=2}",
            HALF,
            "SUCCESS"),
        QueryAuditEvent.answered(
                "advertiser",
                ID,
                VERSIONS,
                12,
                null,
                HALF,
                new QueryOptions(null, true, null, null).withPurpose("measurement"),
                "public keys: policy",
                "spark")
            .toEntry());
  }

  @Test
  void cachedAnswer_versionsAndZeroEpsilon() {
    assertEquals(
        new AuditEntry(
            "advertiser",
            "QUERY_ANSWERED",
            TABLES,
            "queryId="
                + ID
                + " cached=true options=none purpose=none"
                + " data={advertiser.impressions=1, retailer.customers=3}"
                + " policies={advertiser.impressions=1, retailer.customers=2}",
            BigDecimal.ZERO,
            "SUCCESS"),
        QueryAuditEvent.answeredFromCache("advertiser", ID, VERSIONS, QueryOptions.DEFAULT)
            .toEntry());
  }

  @Test
  void failure_versionsAndTheEpsilonReserved() {
    assertEquals(
        new AuditEntry(
            "advertiser",
            "QUERY_FAILED",
            TABLES,
            "queryId="
                + ID
                + " engine=vectorized"
                + " data={advertiser.impressions=1, retailer.customers=3}"
                + " policies={advertiser.impressions=1, retailer.customers=2}",
            HALF,
            "FAILED"),
        QueryAuditEvent.failed("advertiser", ID, VERSIONS, HALF, "vectorized").toEntry());
  }

  @Test
  void engineUnavailable_theQueryIdTheCodeAndTheEngine_nothingCharged() {
    assertEquals(
        new AuditEntry(
            "advertiser",
            "QUERY_REFUSED",
            TABLES,
            "queryId=" + ID + " code=ENGINE_UNAVAILABLE engine=spark",
            null,
            "ENGINE_UNAVAILABLE"),
        QueryAuditEvent.engineUnavailable("advertiser", ID, TABLES, "spark").toEntry());
  }

  @Test
  void overBudget_theQueryIdAndTheCode() {
    assertEquals(
        new AuditEntry(
            "advertiser",
            "QUERY_REFUSED",
            TABLES,
            "queryId=" + ID + " code=BUDGET_EXHAUSTED",
            null,
            "BUDGET_EXHAUSTED"),
        QueryAuditEvent.overBudget("advertiser", ID, TABLES, PolicyErrorCode.BUDGET_EXHAUSTED)
            .toEntry());
  }

  @Test
  void sqlRefused_theCodeAlone_asAQueryOrAnExplanation() {
    assertEquals(
        new AuditEntry(
            "advertiser", "QUERY_REFUSED", List.of(), "code=MALFORMED_SQL", null, "MALFORMED_SQL"),
        QueryAuditEvent.queryRefused("advertiser", PolicyErrorCode.MALFORMED_SQL).toEntry());
    assertEquals(
        new AuditEntry(
            "advertiser",
            "EXPLAIN_REFUSED",
            List.of(),
            "code=UNKNOWN_OBJECT",
            null,
            "UNKNOWN_OBJECT"),
        QueryAuditEvent.explainRefused("advertiser", PolicyErrorCode.UNKNOWN_OBJECT).toEntry());
  }

  @Test
  void rejection_distinctCodesInOrder_andTheTablesTheViolationsName() {
    List<Violation> violations =
        List.of(
            violation(ViolationCode.PII_REFERENCED, "retailer.customers.email"),
            violation(ViolationCode.NOT_AGGREGATED, null),
            violation(ViolationCode.PII_REFERENCED, "advertiser.impressions.email_hash"));

    assertEquals(
        new AuditEntry(
            "advertiser",
            "QUERY_REJECTED",
            TABLES,
            "violations=PII_REFERENCED,NOT_AGGREGATED",
            null,
            "REJECTED"),
        QueryAuditEvent.rejected("advertiser", violations).toEntry());
    assertEquals(
        new AuditEntry(
            "advertiser",
            "QUERY_EXPLAINED",
            TABLES,
            "violations=PII_REFERENCED,NOT_AGGREGATED",
            null,
            "REJECTED"),
        QueryAuditEvent.explainedRejected("advertiser", violations).toEntry());
  }

  @Test
  void acceptedExplanation_theTablesItWouldRead() {
    assertEquals(
        new AuditEntry(
            "advertiser",
            "QUERY_EXPLAINED",
            List.of("retailer.customers", "advertiser.impressions"),
            "accepted",
            null,
            "ACCEPTED"),
        QueryAuditEvent.explainedAccepted(
                "advertiser", List.of("retailer.customers", "advertiser.impressions"))
            .toEntry());
  }

  private static Violation violation(ViolationCode code, String column) {
    return new Violation(code, column, 1, 8, "a sentence");
  }
}
