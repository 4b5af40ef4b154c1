package dev.cleanroom.querypolicy.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.Pipeline;
import dev.cleanroom.testkit.TestTables;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  @RegisterExtension final TestAllocator memory = new TestAllocator();

  private final Pipeline pipeline = new Pipeline(TestCatalog.context());
  private final PrivateQuery query = pipeline.accepted(SQL);

  private static List<Object[]> rows(boolean withPlantedPerson) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < PEOPLE; i++) {
      rows.add(new Object[] {(long) i, "h" + i, "c1", TestTables.MONDAY, false, 0.1});
    }
    if (withPlantedPerson) {
      rows.add(new Object[] {-1L, "target", "c1", TestTables.MONDAY, false, 0.1});
      rows.add(new Object[] {-2L, "target", "c1", TestTables.MONDAY, false, 0.2});
    }
    return rows;
  }

  /** The exact SUM field of the one group, in whole units of the spec's value unit. */
  private long exactSum(List<Object[]> rows) {
    try (InMemoryTable impressions = TestTables.impressions(rows, memory.allocator())) {
      List<Object[]> exact =
          pipeline.exactRows(
              query,
              new ReferenceEngine(memory.allocator()),
              Map.of(TestPolicies.IMPRESSIONS, impressions));
      assertEquals(1, exact.size());
      return ((Number) exact.get(0)[1]).longValue();
    }
  }

  private BigDecimal unit() {
    return query.releaseSpec().columns().get(1).valueUnit();
  }

  @Test
  void groupSum_isTheExactSumOfWholeUnits() {
    long perPerson = Math.round(0.1 / unit().doubleValue());

    assertEquals(PEOPLE * perPerson, exactSum(rows(false)));
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

    assertEquals(exactSum(rows(true)), exactSum(reversed));
  }

  @Test
  void onePersonMore_movesTheSumByExactlyTheirClampedUnits() {
    long difference = exactSum(rows(true)) - exactSum(rows(false));

    // The person's own total 0.1 + 0.2 in doubles, in whole units: nothing else moves.
    assertEquals(Math.round((0.1 + 0.2) / unit().doubleValue()), difference);
  }

  /**
   * One person's own values added in another order: 0.1 + 0.2 + 0.7 is 1.0 as doubles, 0.7 + 0.2 +
   * 0.1 is 0.9999999999999999, one bit below a whole unit. Truncated to units the person's partial
   * differed by one with the engine's order of addition (Spark and the executor disagreed so at a
   * million people); rounded to the nearest unit it does not.
   */
  @Test
  void onePersonsPartial_doesNotDependOnTheOrderTheirValuesAreAdded() {
    List<Object[]> rows = new ArrayList<>();
    double[] costs = {0.1, 0.2, 0.7};
    for (int i = 0; i < costs.length; i++) {
      rows.add(new Object[] {(long) i, "target", "c1", TestTables.MONDAY, false, costs[i]});
    }
    List<Object[]> reversed = new ArrayList<>(rows);
    Collections.reverse(reversed);
    assertNotEquals((0.1 + 0.2) + 0.7, (0.7 + 0.2) + 0.1, "the two orders' doubles differ");

    assertEquals(Math.round(1.0 / unit().doubleValue()), exactSum(rows));
    assertEquals(exactSum(rows), exactSum(reversed));
  }
}
