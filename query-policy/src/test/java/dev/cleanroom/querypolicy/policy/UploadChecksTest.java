package dev.cleanroom.querypolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

class UploadChecksTest {
  private static final String COLUMNS =
      """
      {"name": "customer_id", "type": "BIGINT", "class": "PRIVACY_UNIT"},
      {"name": "email_hash", "type": "VARCHAR", "class": "JOIN_KEY"},
      {"name": "store_id", "type": "BIGINT", "class": "JOIN_KEY"},
      {"name": "spend", "type": "DOUBLE", "class": "METRIC", "bounds": {"lower": 0, "upper": 100},
       "aggregates": ["SUM"]},
      {"name": "visits", "type": "BIGINT", "class": "METRIC", "bounds": {"lower": 0, "upper": 10},
       "aggregates": ["SUM"]},
      {"name": "tier", "type": "VARCHAR", "class": "DIMENSION"},
      {"name": "email", "type": "VARCHAR", "class": "PII"}
      """;

  @Test
  void checks_followTheColumnsClassesAndTypes() {
    UploadChecks checks = UploadChecks.of(policy(""));
    assertEquals(Set.of("customer_id"), checks.nonNullColumns());
    assertEquals(Set.of(), checks.uniqueColumns(), "repeats allowed unless one row per unit");
    assertEquals(Set.of("email_hash"), checks.fingerprintColumns(), "text join keys only");
    assertEquals(Set.of("spend"), checks.finiteColumns(), "fractional metrics only");
  }

  @Test
  void oneRowPerUnit_makesTheUnitUnique() {
    UploadChecks checks = UploadChecks.of(policy(", \"oneRowPerUnit\": true"));
    assertEquals(Set.of("customer_id"), checks.uniqueColumns());
    assertEquals(Set.of("customer_id"), checks.nonNullColumns());
  }

  private static DatasetPolicy policy(String extraFields) {
    return PolicyJson.read(
        """
        {"table": "retailer.customers",
         "columns": [%s],
         "privacy": {"epsilonPerQuery": 0.5, "delta": 1e-6, "maxGroupsContributed": 2, "budget": 5},
         "allowedAnalysts": []%s}
        """
            .formatted(COLUMNS, extraFields));
  }
}
