package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What epsilon gives plus or minus X, from how many people a group is shown, the policy table. */
class AccuracyPlannerTest {

  private static final ReleaseSpec README_QUERY =
      new ReleaseSpec(
          List.of(
              new ReleaseColumn("campaign_id", ColumnRole.GROUP_KEY, 0, -1, null, null),
              new ReleaseColumn(
                  "reach", ColumnRole.DISTINCT_UNITS, 3, -1, BigDecimal.ZERO, BigDecimal.ONE),
              new ReleaseColumn(
                  "impressions", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE),
              new ReleaseColumn(
                  "cost", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, new BigDecimal("100"))),
          3,
          new QueryPrivacyParameters(new BigDecimal("0.5"), 1e-6, 50, 1, false));

  @Test
  void epsilonFor_isTheSmallestGridEpsilonReachingTheTarget() {
    for (String column : List.of("reach", "impressions", "cost")) {
      for (String target : List.of("3", "12", "40", "1200", "5000")) {
        BigDecimal width = new BigDecimal(target);
        BigDecimal epsilon = AccuracyPlanner.epsilonFor(README_QUERY, column, width).orElseThrow();
        assertTrue(
            AccuracyPlanner.halfWidth(README_QUERY, column, epsilon).orElseThrow().compareTo(width)
                <= 0,
            column + " ± " + target + " at " + epsilon);
        // One grid step less (three significant digits) does not reach it.
        BigDecimal less = epsilon.subtract(epsilon.ulp());
        assertTrue(
            AccuracyPlanner.halfWidth(README_QUERY, column, less).orElseThrow().compareTo(width)
                > 0,
            column + " ± " + target + " at " + less);
      }
    }
    // Three shares (release and reach, impressions, cost): epsilon 0.75 gives scale 4, ± 12 on
    // reach (a little less does too).
    BigDecimal forTwelve =
        AccuracyPlanner.epsilonFor(README_QUERY, "reach", new BigDecimal("12")).orElseThrow();
    assertTrue(
        forTwelve.compareTo(new BigDecimal("0.75")) <= 0
            && forTwelve.compareTo(new BigDecimal("0.675")) > 0,
        "epsilon for ± 12: " + forTwelve);
  }

  @Test
  void epsilonFor_anImpossibleTarget_isEmpty() {
    assertTrue(
        AccuracyPlanner.epsilonFor(README_QUERY, "cost", new BigDecimal("0.0000001")).isEmpty());
  }

  @Test
  void groupsShown_thresholdAndTheExactCountsShownHalfAndAlmostAlways() {
    AccuracyPlanner.GroupsShown shown = AccuracyPlanner.groupsShown(README_QUERY);
    assertEquals(130, shown.threshold());
    assertEquals(130, shown.halfOfTheTime());
    // P(Z >= 130 - c) >= 0.95 with scale 6: 1 - q^(c - 129) / (1 + q) >= 0.95.
    double q = Math.exp(-1 / 6.0);
    long expected = 130;
    while (1 - Math.pow(q, expected - 129) / (1 + q) < 0.95) {
      expected++;
    }
    assertEquals(expected, shown.almostAlways());
  }

  @Test
  void standardTargets_areMultiplesOfWhatOnePersonAdds() {
    assertEquals(
        List.of(
            new BigDecimal("500"),
            new BigDecimal("1000"),
            new BigDecimal("2500"),
            new BigDecimal("5000"),
            new BigDecimal("10000")),
        AccuracyPlanner.standardTargets(README_QUERY.columns().get(3)));
    assertEquals(
        List.of(5, 10, 25, 50, 100),
        AccuracyPlanner.standardTargets(README_QUERY.columns().get(1)).stream()
            .map(BigDecimal::intValueExact)
            .toList());
  }

  @Test
  void policyTable_matchesTheReadmeTableForTheDemoSettings() {
    List<PolicyAccuracyTable.Row> table =
        PolicyAccuracyTable.of(
            new QueryPrivacyParameters(new BigDecimal("0.5"), 1e-6, 50, 1, false),
            1,
            Map.of("cost", new BigDecimal[] {BigDecimal.ZERO, new BigDecimal("100")}));
    assertEquals(5, table.size());
    PolicyAccuracyTable.Row half = table.get(1);
    assertEquals(new BigDecimal("0.5"), half.epsilonPerQuery());
    assertTrue(half.policy());
    assertEquals(130, half.threshold());
    assertEquals(130, half.shownHalfOfTheTime());
    assertEquals(0, new BigDecimal("18").compareTo(half.reach()));
    assertEquals(0, new BigDecimal("18").compareTo(half.rows()));
    assertEquals(0, new BigDecimal("1797.5").compareTo(half.sums().get("cost")));
    // Every row is what the release code gives that query at that epsilon.
    for (PolicyAccuracyTable.Row row : table) {
      ReleaseSpec spec = AccuracyPlanner.withEpsilon(README_QUERY, row.epsilonPerQuery());
      Releaser releaser = Releaser.forSpec(spec);
      assertEquals(releaser.threshold(), row.threshold());
      assertEquals(0, releaser.noiseReport().get(0).ci95HalfWidth().compareTo(row.reach()));
      assertEquals(
          0, releaser.noiseReport().get(2).ci95HalfWidth().compareTo(row.sums().get("cost")));
      assertTrue(row.shownAlmostAlways() > row.shownHalfOfTheTime());
    }
  }

  @Test
  void policyTable_addsThePolicysOwnEpsilonAndScalesWithItsBounds() {
    List<PolicyAccuracyTable.Row> table =
        PolicyAccuracyTable.of(
            new QueryPrivacyParameters(new BigDecimal("0.3"), 1e-6, 20, 2, false),
            3,
            Map.of("spend", new BigDecimal[] {new BigDecimal("-10"), new BigDecimal("1000")}));
    assertEquals(6, table.size());
    PolicyAccuracyTable.Row own = table.get(1);
    assertEquals(new BigDecimal("0.3"), own.epsilonPerQuery());
    assertTrue(own.policy());
    assertTrue(table.stream().filter(PolicyAccuracyTable.Row::policy).count() == 1);
    // Rows counted up to 3 per person: three times the reach's noise, give or take rounding.
    assertTrue(own.rows().compareTo(own.reach().multiply(new BigDecimal("2.5"))) > 0);
    assertTrue(own.sums().get("spend").compareTo(own.reach().multiply(new BigDecimal("900"))) > 0);
  }
}
