package dev.cleanroom.querypolicy.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.engine.InMemoryTable;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Per-person sums reach the group total as whole fixed-point units, so the total is exact: the same
 * in any row order, and one more person moves it by exactly their clamped contribution. As doubles,
 * 1,000 people spending 0.1 each sum to 99.99999999999986, just below the boundary at 100 of every
 * grid coarser than 2^-46, and the sum depended on the order of addition.
 */
class FixedPointSumTest {
  private static final String SQL =
      "SELECT campaign_id, SUM(cost) AS spend FROM advertiser.impressions GROUP BY campaign_id";
  private static final int PEOPLE = 1_000;

  private final ReferenceEngine engine = new ReferenceEngine();

  @AfterEach
  void close() {
    engine.close();
  }

  private static List<Object[]> rows(boolean withPlantedPerson) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < PEOPLE; i++) {
      rows.add(new Object[] {(long) i, "h" + i, "c1", TestCatalog.MONDAY, false, 0.1});
    }
    if (withPlantedPerson) {
      rows.add(new Object[] {-1L, "target", "c1", TestCatalog.MONDAY, false, 0.1});
      rows.add(new Object[] {-2L, "target", "c1", TestCatalog.MONDAY, false, 0.2});
    }
    return rows;
  }

  /** The exact SUM field (whole units) and the spec that says what a unit is worth. */
  private Object[] exactSum(List<Object[]> rows) {
    InMemoryTable impressions = TestCatalog.impressions(rows);
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    root.add("advertiser", new AbstractSchema()).add("impressions", impressions);
    root.add("retailer", new AbstractSchema()).add("customers", TestCatalog.customers());
    AnalysisResult result =
        new QueryAnalyzer()
            .analyze(
                SQL,
                new AnalysisContext(
                    root,
                    Map.of(
                        TestPolicies.CUSTOMERS, TestPolicies.customers(),
                        TestPolicies.IMPRESSIONS, TestPolicies.impressions()),
                    "advertiser",
                    TestCatalog.key()));
    PrivateQuery query = ((AnalysisResult.Accepted) result).query();
    List<Object[]> exact = engine.execute(query.plan());
    assertEquals(1, exact.size());
    return new Object[] {exact.get(0)[1], query.releaseSpec()};
  }

  @Test
  void groupSum_isTheExactSumOfWholeUnits() {
    Object[] sum = exactSum(rows(false));
    ReleaseSpec spec = (ReleaseSpec) sum[1];
    BigDecimal unit = spec.columns().get(1).valueUnit();
    long perPerson = (long) (0.1 / unit.doubleValue());

    assertEquals(PEOPLE * perPerson, ((Number) sum[0]).longValue());
    double naive = 0;
    for (Object[] row : rows(false)) {
      naive += (Double) row[5];
    }
    assertNotEquals(100.0, naive, "as doubles the total misses 100");
  }

  @Test
  void groupSum_doesNotDependOnTheRowOrder() {
    List<Object[]> reversed = rows(true);
    Collections.reverse(reversed);

    assertEquals(exactSum(rows(true))[0], exactSum(reversed)[0]);
  }

  @Test
  void onePersonMore_movesTheSumByExactlyTheirClampedUnits() {
    Object[] without = exactSum(rows(false));
    Object[] with = exactSum(rows(true));
    BigDecimal unit = ((ReleaseSpec) with[1]).columns().get(1).valueUnit();

    long difference = ((Number) with[0]).longValue() - ((Number) without[0]).longValue();
    // The person's own total 0.1 + 0.2 in doubles, in whole units: nothing else moves.
    assertEquals((long) ((0.1 + 0.2) / unit.doubleValue()), difference);
  }
}
