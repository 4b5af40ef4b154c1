package dev.cleanroom.testkit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.testkit.TestTables;
import dev.cleanroom.testkit.arrow.TestAllocator;
import dev.cleanroom.testkit.audit.PlainExactEngine.Contribution;
import dev.cleanroom.testkit.audit.RewritePipeline.Tables;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The plain audit ({@link PrivacyAuditTest}) trusts {@link PlainExactEngine} to compute what the
 * private plan computes. This checks it against the real rewrite on the reference engine, where
 * they must agree: with as many groups per unit allowed as there are groups (the two choose kept
 * groups by different hashes), every clamped sum, clamped count and distinct-unit count is equal.
 */
class PlainExactEngineAgreementTest {
  private static final int CAMPAIGNS = 5;

  @RegisterExtension final TestAllocator memory = new TestAllocator();

  @Test
  void clampedSumAndCountPerCampaign_rewriteAgreesWithThePlainEngine() {
    // Costs in quarters, some negative, some above the bound of 100, some NULL; one to 30 rows
    // per person and campaign, so both clamps bite.
    SplittableRandom random = new SplittableRandom(20261122L);
    List<Object[]> impressions = new ArrayList<>();
    List<Contribution> contributions = new ArrayList<>();
    long id = 0;
    for (int unit = 0; unit < 200; unit++) {
      for (int campaign = 0; campaign < CAMPAIGNS; campaign++) {
        if (random.nextInt(3) == 0) {
          continue;
        }
        int rows = 1 + random.nextInt(unit % 10 == 0 ? 30 : 3);
        for (int row = 0; row < rows; row++) {
          Double cost = random.nextInt(10) == 0 ? null : (random.nextInt(600) - 100) / 4.0;
          String hash = "h" + unit;
          String campaignId = "c" + campaign;
          impressions.add(new Object[] {id++, hash, campaignId, TestTables.MONDAY, false, cost});
          contributions.add(
              new Contribution(
                  hash, List.of(campaignId), cost == null ? null : BigDecimal.valueOf(cost)));
        }
      }
    }
    RewritePipeline pipeline =
        new RewritePipeline(
            "SELECT campaign_id, SUM(cost) AS spend, COUNT(*) AS impressions"
                + " FROM advertiser.impressions GROUP BY campaign_id",
            new BigDecimal("3"),
            CAMPAIGNS,
            10,
            memory.allocator());
    ReleaseSpec spec = pipeline.releaseSpec();
    int sumField = field(spec, ColumnRole.SUM);
    int countField = field(spec, ColumnRole.COUNT);

    TreeMap<String, String> fromRewrite = new TreeMap<>();
    for (Object[] row : spec.plainRows(pipeline.exactRows(new Tables(List.of(), impressions)))) {
      fromRewrite.put(
          (String) row[0],
          describe(row[sumField], row[countField], row[spec.distinctUnitsField()]));
    }
    TreeMap<String, String> fromPlainEngine = new TreeMap<>();
    PlainExactEngine plain =
        new PlainExactEngine(BigDecimal.ZERO, new BigDecimal("100"), 1, CAMPAIGNS, 1L);
    for (Object[] row : plain.run(contributions)) {
      fromPlainEngine.put((String) row[0], describe(row[1], row[2], row[3]));
    }

    assertEquals(CAMPAIGNS, fromPlainEngine.size());
    assertEquals(fromPlainEngine, fromRewrite);
    assertTrue(
        contributions.stream().anyMatch(c -> c.metric() != null && c.metric().signum() < 0),
        "the data has negative costs to clamp");
  }

  private static int field(ReleaseSpec spec, ColumnRole role) {
    for (ReleaseColumn column : spec.columns()) {
      if (column.role() == role) {
        return column.valueField();
      }
    }
    throw new AssertionError("no " + role + " column in " + spec);
  }

  /** Numbers compared by value, whatever Java type each engine returns them in. */
  private static String describe(Object sum, Object count, Object distinctUnits) {
    return "sum "
        + new BigDecimal(sum.toString()).stripTrailingZeros().toPlainString()
        + ", count "
        + count
        + ", units "
        + distinctUnits;
  }
}
