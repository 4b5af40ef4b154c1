package dev.cleanroom.querypolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.spi.ColumnType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatasetPolicyTest {

  private static IllegalArgumentException rejected(Runnable construction) {
    return assertThrows(IllegalArgumentException.class, construction::run);
  }

  private static DatasetPolicy customersWith(List<ColumnPolicy> columns) {
    return new DatasetPolicy(
        TestPolicies.CUSTOMERS,
        columns,
        List.of(),
        50,
        TestPolicies.privacy(),
        Set.of("advertiser"));
  }

  @Test
  void validPolicy_exposesUnitAndConsent() {
    DatasetPolicy policy = TestPolicies.customers();
    assertEquals("customer_id", policy.unitColumn().name());
    assertEquals("opted_out", policy.consentColumn().orElseThrow().name());
    assertTrue(policy.allowsJoin("email_hash", TestPolicies.IMPRESSIONS, "email_hash"));
  }

  @Test
  void linkedJoinKey_isTheUnitWhenNoUnitColumn() {
    assertEquals("email_hash", TestPolicies.impressions().unitColumn().name());
  }

  @Test
  void columnClassifiedTwice_isRejectedNamingTheColumn() {
    List<ColumnPolicy> columns = new ArrayList<>(TestPolicies.customerColumns());
    columns.add(ColumnPolicy.of("zip", "VARCHAR", ColumnClass.PII));
    assertTrue(rejected(() -> customersWith(columns)).getMessage().contains("'zip'"));
  }

  @Test
  void invertedBounds_areRejectedWithBothValues() {
    String message =
        rejected(() -> new MetricBounds(new BigDecimal("10"), BigDecimal.ONE)).getMessage();
    assertTrue(message.contains("10") && message.contains("1"), message);
  }

  @Test
  void metricWithoutBounds_isRejected() {
    assertTrue(
        rejected(
                () ->
                    new ColumnPolicy(
                        "cost",
                        ColumnType.parse("DOUBLE"),
                        ColumnClass.METRIC,
                        null,
                        Set.of(MetricAggregate.SUM),
                        null))
            .getMessage()
            .contains("no bounds"));
  }

  @Test
  void nonBooleanConsent_isRejected() {
    assertTrue(
        rejected(() -> ColumnPolicy.of("opted_out", "VARCHAR", ColumnClass.CONSENT))
            .getMessage()
            .contains("BOOLEAN"));
  }

  @Test
  void nonPositiveEpsilon_isRejected() {
    assertTrue(
        rejected(
                () ->
                    new PrivacyParameters(
                        BigDecimal.ZERO,
                        1e-6,
                        4,
                        1,
                        BigDecimal.TEN,
                        BigDecimal.TEN,
                        BudgetRefresh.NONE,
                        false))
            .getMessage()
            .contains("epsilonPerQuery"));
  }

  @Test
  void deltaOutsideOpenUnitInterval_isRejected() {
    for (double delta : new double[] {0, 1, -0.1, Double.NaN}) {
      assertTrue(
          rejected(
                  () ->
                      new PrivacyParameters(
                          BigDecimal.ONE,
                          delta,
                          4,
                          1,
                          BigDecimal.TEN,
                          BigDecimal.TEN,
                          BudgetRefresh.NONE,
                          false))
              .getMessage()
              .contains("delta"));
    }
  }

  @Test
  void datasetBudgetBelowEpsilonPerQuery_isRejected() {
    assertEquals(
        "datasetBudget 0.4 is below epsilonPerQuery 0.5: not even one query could run",
        rejected(
                () ->
                    new PrivacyParameters(
                        new BigDecimal("0.5"),
                        1e-6,
                        4,
                        1,
                        BigDecimal.TEN,
                        new BigDecimal("0.4"),
                        BudgetRefresh.NONE,
                        false))
            .getMessage());
  }

  @Test
  void datasetBudgetAboveOrBelowTheAnalystBudget_isAccepted() {
    BigDecimal epsilon = new BigDecimal("0.5");
    for (String datasetBudget : new String[] {"0.5", "2", "30"}) {
      PrivacyParameters privacy =
          new PrivacyParameters(
              epsilon,
              1e-6,
              4,
              1,
              BigDecimal.TEN,
              new BigDecimal(datasetBudget),
              BudgetRefresh.NONE,
              false);
      assertEquals(new BigDecimal(datasetBudget), privacy.datasetBudget());
    }
  }

  @Test
  void minimumDistinctUnitsBelowTwo_isRejected() {
    assertTrue(
        rejected(
                () ->
                    new DatasetPolicy(
                        TestPolicies.CUSTOMERS,
                        TestPolicies.customerColumns(),
                        List.of(),
                        1,
                        TestPolicies.privacy(),
                        Set.of()))
            .getMessage()
            .contains("minimumDistinctUnits"));
  }

  @Test
  void tableWithoutUnit_isRejected() {
    assertTrue(
        rejected(
                () ->
                    customersWith(
                        List.of(ColumnPolicy.of("zip", "VARCHAR", ColumnClass.DIMENSION))))
            .getMessage()
            .contains("reaches no privacy unit"));
  }

  @Test
  void joinOnDimension_isRejected() {
    assertTrue(
        rejected(
                () ->
                    new DatasetPolicy(
                        TestPolicies.CUSTOMERS,
                        TestPolicies.customerColumns(),
                        List.of(new AllowedJoin("zip", TestPolicies.IMPRESSIONS, "campaign_id")),
                        50,
                        TestPolicies.privacy(),
                        Set.of()))
            .getMessage()
            .contains("'zip'"));
  }
}
