package dev.cleanroom.testkit.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import dev.cleanroom.querypolicy.release.NoisyHistogram;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.PostProcessing.ShownRow;
import dev.cleanroom.querypolicy.release.QuantileHistogram;
import dev.cleanroom.querypolicy.release.QueryPrivacyParameters;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.testkit.TestTables;
import dev.cleanroom.testkit.arrow.TestAllocator;
import dev.cleanroom.testkit.audit.PrivacyAudit.Finding;
import dev.cleanroom.testkit.audit.RewritePipeline.Tables;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The empirical privacy audit of a quantile through the real pipeline (analysis, private rewrite,
 * reference engine, release, post-processing). Neighbours: 30 people whose cost is 50, and the same
 * plus one person whose cost is far above the bound of 100, so their clamped total falls into the
 * histogram's top slice. The 99th percentile jumps with that person; it and the top slice's noised
 * count may reveal at most the histogram's one share, and the histogram released with half its
 * noise must exceed that share for every seed tried.
 *
 * <p>Sample size as in {@link PrivacyAuditTest}: 40,000 runs per dataset at 99.9% confidence.
 */
@Tag("statistical")
class QuantilePrivacyAuditTest {
  private static final PrivacyAudit AUDIT = new PrivacyAudit(40_000, 1e-6, 0.999);
  private static final BigDecimal EPSILON = new BigDecimal("3");
  private static final String HIGH_COST_BY_CAMPAIGN =
      "SELECT campaign_id, PERCENTILE_CONT(0.99) WITHIN GROUP (ORDER BY cost) AS p99"
          + " FROM advertiser.impressions GROUP BY campaign_id";

  @RegisterExtension static final TestAllocator MEMORY = new TestAllocator();

  private static RewritePipeline highCost;
  private static Tables crowd;
  private static Tables withOutlier;

  @BeforeAll
  static void analyseQueryAndMakeDatasets() {
    highCost = new RewritePipeline(HIGH_COST_BY_CAMPAIGN, EPSILON, 1, 10, MEMORY.allocator());
    List<Object[]> impressions = new ArrayList<>();
    for (int unit = 0; unit < 30; unit++) {
      impressions.add(impression(unit, "h" + unit, 50));
    }
    crowd = new Tables(List.of(), impressions);
    List<Object[]> more = new ArrayList<>(impressions);
    more.add(impression(1_000, "h-outlier", 1e9));
    withOutlier = new Tables(List.of(), more);
  }

  private static Object[] impression(long id, String emailHash, double cost) {
    return new Object[] {
      id, emailHash, "g", TestTables.MONDAY + id % 7 * TestTables.DAY, true, cost
    };
  }

  /** The released 99th percentile of group "g" as the answer shows it; -1 when NULL. */
  private static ToDoubleFunction<ReleasedResult> shownQuantile(PostProcessing post) {
    return released -> {
      for (ShownRow row : post.arrange(released, List.of(), OptionalInt.empty())) {
        if ("g".equals(row.values()[0])) {
          Object value = row.values()[1];
          return value == null ? -1 : ((BigDecimal) value).doubleValue();
        }
      }
      return PrivacyAudit.NOT_RELEASED;
    };
  }

  /** The noised count of the top slice of group "g"'s histogram, which the answer does not show. */
  private static double topSlice(ReleasedResult released) {
    for (Object[] row : released.rows()) {
      if ("g".equals(row[0])) {
        return ((NoisyHistogram) row[1]).counts()[QuantileHistogram.BUCKETS - 1];
      }
    }
    return PrivacyAudit.NOT_RELEASED;
  }

  private static Finding audit(
      Releaser releaser, ToDoubleFunction<ReleasedResult> statistic, long seed) {
    return AUDIT.audit(
        PrivacyAudit.pipeline(highCost::exactRows, releaser, statistic),
        crowd,
        withOutlier,
        new SeededNoiseSource(seed));
  }

  /** The same spec released with twice the ε: every noise scale halved. */
  private static Releaser halvedNoise(ReleaseSpec spec) {
    QueryPrivacyParameters honest = spec.parameters();
    return Releaser.forSpec(
        new ReleaseSpec(
            spec.columns(),
            spec.distinctUnitsField(),
            new QueryPrivacyParameters(
                honest.epsilon().multiply(BigDecimal.valueOf(2)),
                honest.delta(),
                honest.minimumDistinctUnits(),
                honest.maxGroupsContributed(),
                honest.releaseRemainder())));
  }

  @Test
  void releasedQuantile_revealsNoMoreThanTheHistogramsShare() {
    Releaser releaser = Releaser.forSpec(highCost.releaseSpec());
    double share = releaser.epsilonShare().doubleValue();

    Finding finding = audit(releaser, shownQuantile(highCost.postProcessing()), 401);

    assertTrue(finding.epsilonLowerBound() <= share, finding.toString());
    // Not vacuous: the outlier moves the 99th percentile as far as the noise lets it.
    assertTrue(finding.epsilonLowerBound() >= 0.5 * share, finding.toString());
  }

  @Test
  void topSlice_staysWithinTheHistogramsShare() {
    Releaser releaser = Releaser.forSpec(highCost.releaseSpec());
    double share = releaser.epsilonShare().doubleValue();

    Finding finding = audit(releaser, QuantilePrivacyAuditTest::topSlice, 411);

    assertTrue(finding.epsilonLowerBound() <= share, finding.toString());
    assertTrue(finding.epsilonLowerBound() >= 0.5 * share, finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {421, 422})
  void releasedQuantile_halvedNoiseScale_isDetected(long seed) {
    ReleaseSpec spec = highCost.releaseSpec();
    double share = Releaser.forSpec(spec).epsilonShare().doubleValue();

    Finding finding = audit(halvedNoise(spec), shownQuantile(highCost.postProcessing()), seed);

    assertTrue(finding.epsilonLowerBound() > share, finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {431, 432})
  void topSlice_halvedNoiseScale_isDetected(long seed) {
    ReleaseSpec spec = highCost.releaseSpec();
    double share = Releaser.forSpec(spec).epsilonShare().doubleValue();

    Finding finding = audit(halvedNoise(spec), QuantilePrivacyAuditTest::topSlice, seed);

    assertTrue(finding.epsilonLowerBound() > share, finding.toString());
  }
}
