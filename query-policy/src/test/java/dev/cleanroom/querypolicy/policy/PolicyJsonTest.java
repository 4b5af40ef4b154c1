package dev.cleanroom.querypolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyJsonTest {

  @Test
  void writtenPolicy_readsBackEqual() {
    DatasetPolicy policy = TestPolicies.customers();
    assertEquals(policy, PolicyJson.read(PolicyJson.write(policy)));
    assertEquals(
        TestPolicies.impressions(), PolicyJson.read(PolicyJson.write(TestPolicies.impressions())));
  }

  @Test
  void omittedOptionalFields_takeTheirDefaults() {
    DatasetPolicy policy =
        PolicyJson.read(
            """
            {"table": "retailer.customers",
             "columns": [{"name": "customer_id", "type": "BIGINT", "class": "PRIVACY_UNIT"}],
             "privacy": {"epsilonPerQuery": 0.5, "delta": 1e-6, "maxGroupsContributed": 2, "budget": 5},
             "allowedAnalysts": []}
            """);
    assertEquals(50, policy.minimumDistinctUnits());
    assertEquals(1, policy.privacy().maxContributionsPerGroup());
    assertEquals("NONE", policy.privacy().budgetRefresh().name());
    // One budget shared by all analysts: together they can spend what one could.
    assertEquals(new BigDecimal("5"), policy.privacy().datasetBudget());
  }

  @Test
  void datasetBudget_isReadAndWrittenBack() {
    DatasetPolicy policy = PolicyJson.read(withPrivacy("\"budget\": 5, \"datasetBudget\": 12.5"));
    assertEquals(new BigDecimal("5"), policy.privacy().budget());
    assertEquals(new BigDecimal("12.5"), policy.privacy().datasetBudget());
    assertTrue(PolicyJson.write(policy).contains("\"datasetBudget\" : 12.5"));
    assertEquals(policy, PolicyJson.read(PolicyJson.write(policy)));
  }

  @Test
  void datasetBudgetNull_takesTheDefault() {
    DatasetPolicy policy = PolicyJson.read(withPrivacy("\"budget\": 5, \"datasetBudget\": null"));
    assertEquals(new BigDecimal("5"), policy.privacy().datasetBudget());
  }

  @Test
  void datasetBudgetBelowEpsilonPerQuery_isAProblemAtItsPath() {
    assertEquals(
        List.of(
            new PolicyJson.Problem(
                "$.privacy.datasetBudget",
                "must be >= epsilonPerQuery (0.5), or not even one query could run")),
        PolicyJson.problems(withPrivacy("\"budget\": 5, \"datasetBudget\": 0.25")));
  }

  @Test
  void datasetBudgetNotANumber_isAProblemAtItsPath() {
    assertEquals(
        List.of(new PolicyJson.Problem("$.privacy.datasetBudget", "must be a number")),
        PolicyJson.problems(withPrivacy("\"budget\": 5, \"datasetBudget\": \"all\"")));
  }

  @Test
  void oneRowPerUnit_isReadAndWrittenBackAndFalseByDefault() {
    String unit = "{\"name\": \"customer_id\", \"type\": \"BIGINT\", \"class\": \"PRIVACY_UNIT\"}";
    DatasetPolicy declared =
        PolicyJson.read(policyWith("retailer.customers", unit, ", \"oneRowPerUnit\": true"));
    assertTrue(declared.oneRowPerUnit());
    assertTrue(PolicyJson.write(declared).contains("\"oneRowPerUnit\" : true"));
    assertEquals(declared, PolicyJson.read(PolicyJson.write(declared)));
    DatasetPolicy silent = PolicyJson.read(policyWith("retailer.customers", unit, ""));
    assertFalse(silent.oneRowPerUnit());
    assertFalse(PolicyJson.write(silent).contains("oneRowPerUnit"));
  }

  @Test
  void oneRowPerUnitNotABoolean_isAProblemAtItsPath() {
    String unit = "{\"name\": \"customer_id\", \"type\": \"BIGINT\", \"class\": \"PRIVACY_UNIT\"}";
    assertEquals(
        List.of(
            new PolicyJson.Problem(
                "$.oneRowPerUnit",
                "true when the table holds at most one row per privacy unit, else false")),
        PolicyJson.problems(
            policyWith("retailer.customers", unit, ", \"oneRowPerUnit\": \"yes\"")));
  }

  @Test
  void oneRowPerUnitWithoutAPrivacyUnitColumn_isRefused() {
    String linkedKey =
        "{\"name\": \"email_hash\", \"type\": \"VARCHAR\", \"class\": \"JOIN_KEY\","
            + " \"linksToUnitOf\": \"retailer.customers\"}";
    assertEquals(
        List.of(
            new PolicyJson.Problem(
                "$",
                "advertiser.impressions declares one row per privacy unit but no PRIVACY_UNIT"
                    + " column: the rule is enforced on that column")),
        PolicyJson.problems(
            policyWith("advertiser.impressions", linkedKey, ", \"oneRowPerUnit\": true")));
  }

  /** A minimal policy of {@code table}: one column, and {@code extraFields} after its analysts. */
  private static String policyWith(String table, String column, String extraFields) {
    return """
        {"table": "%s",
         "columns": [%s],
         "privacy": {"epsilonPerQuery": 0.5, "delta": 1e-6, "maxGroupsContributed": 2, "budget": 5},
         "allowedAnalysts": []%s}
        """
        .formatted(table, column, extraFields);
  }

  /** A minimal policy whose privacy object has epsilon 0.5 and {@code budgetFields}. */
  private static String withPrivacy(String budgetFields) {
    return """
        {"table": "retailer.customers",
         "columns": [{"name": "customer_id", "type": "BIGINT", "class": "PRIVACY_UNIT"}],
         "privacy": {"epsilonPerQuery": 0.5, "delta": 1e-6, "maxGroupsContributed": 2, %s},
         "allowedAnalysts": []}
        """
        .formatted(budgetFields);
  }

  @Test
  void severalProblems_areAllReportedWithTheirPaths() {
    List<PolicyJson.Problem> problems =
        PolicyJson.problems(
            """
            {"table": "retailer.customers",
             "columns": [
               {"name": "customer_id", "type": "BIGINT", "class": "PRIVACY_UNIT"},
               {"name": "cost", "type": "DOUBLE", "class": "METRIC"},
               {"name": "tier", "type": "TEXT", "class": "DIMENSION"},
               {"name": "opted_out", "type": "BOOLEAN", "class": "KONSENT"}],
             "privacy": {"epsilonPerQuery": 0, "delta": 1e-6, "maxGroupsContributed": 2, "budget": 5},
             "allowedAnalysts": ["advertiser"], "typo": 1}
            """);
    List<String> paths = problems.stream().map(PolicyJson.Problem::path).toList();
    assertTrue(paths.contains("$.columns[1]"), problems.toString());
    assertTrue(paths.contains("$.columns[2].type"), problems.toString());
    assertTrue(paths.contains("$.columns[3].class"), problems.toString());
    assertTrue(paths.contains("$.privacy"), problems.toString());
    assertTrue(paths.contains("$.typo"), problems.toString());
  }

  @Test
  void malformedJson_isAnInvalidPolicyWithoutEchoingTheDocument() {
    PolicyException e =
        assertThrows(PolicyException.class, () -> PolicyJson.read("{\"table\": \"secret-value"));
    assertEquals(PolicyErrorCode.INVALID_POLICY, e.code());
    assertTrue(!e.getMessage().contains("secret-value"), e.getMessage());
  }
}
