package dev.cleanroom.testkit.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.PostProcessing.ShownRow;
import dev.cleanroom.querypolicy.release.QueryPrivacyParameters;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
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
 * The empirical privacy audit of {@code VAR_POP} through the real pipeline (analysis, private
 * rewrite, reference engine, release, post-processing). Neighbours: 200 people with one impression
 * each, costs 40 to 60, and the same plus one person whose cost is far above the bound of 100, so
 * their clamped total sits at the bound and moves the sum of squares by its whole sensitivity
 * {@code h^2 = 2500}. The released variance reads three parts and may reveal at most their three
 * shares; its sum-of-squares part at most its one share, and the same part released with half its
 * noise must exceed that share for every seed tried.
 *
 * <p>Sample size as in {@link PrivacyAuditTest}: 40,000 runs per dataset at 99.9% confidence.
 */
@Tag("statistical")
class VariancePrivacyAuditTest {
  private static final PrivacyAudit AUDIT = new PrivacyAudit(40_000, 1e-6, 0.999);
  private static final BigDecimal EPSILON = new BigDecimal("3");
  private static final String VARIANCE_BY_CAMPAIGN =
      "SELECT campaign_id, VAR_POP(cost) AS spread FROM advertiser.impressions"
          + " GROUP BY campaign_id";

  /** The statistic of a run whose variance is NULL (its noised count of people was below 1). */
  private static final double NULL_VARIANCE = -1e12;

  @RegisterExtension static final TestAllocator MEMORY = new TestAllocator();

  private static RewritePipeline varianceByCampaign;
  private static Tables crowd;
  private static Tables withOutlier;

  @BeforeAll
  static void analyseQueryAndMakeDatasets() {
    varianceByCampaign =
        new RewritePipeline(VARIANCE_BY_CAMPAIGN, EPSILON, 1, 10, MEMORY.allocator());
    List<Object[]> impressions = new ArrayList<>();
    for (int unit = 0; unit < 200; unit++) {
      impressions.add(impression(unit, "h" + unit, 40 + unit % 21));
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

  /** The released variance of group "g" as the answer shows it. */
  private static ToDoubleFunction<ReleasedResult> shownVariance(PostProcessing post) {
    return released -> {
      for (ShownRow row : post.arrange(released, List.of(), OptionalInt.empty())) {
        if ("g".equals(row.values()[0])) {
          Object value = row.values()[1];
          return value == null ? NULL_VARIANCE : ((BigDecimal) value).doubleValue();
        }
      }
      return PrivacyAudit.NOT_RELEASED;
    };
  }

  /** The noised sum of squares of group "g", a part the answer does not show. */
  private static ToDoubleFunction<ReleasedResult> sumOfSquares(ReleaseSpec spec) {
    List<ReleaseColumn> columns = spec.columns();
    for (int column = 0; column < columns.size(); column++) {
      if (columns.get(column).name().endsWith(")^2")) {
        return PrivacyAudit.releasedValue(0, "g", column);
      }
    }
    throw new IllegalStateException("the variance has no sum-of-squares part");
  }

  private static Finding audit(
      Releaser releaser, ToDoubleFunction<ReleasedResult> statistic, long seed) {
    return AUDIT.audit(
        PrivacyAudit.pipeline(varianceByCampaign::exactRows, releaser, statistic),
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
  void releasedVariance_revealsNoMoreThanItsThreeParts() {
    Releaser releaser = Releaser.forSpec(varianceByCampaign.releaseSpec());
    double share = releaser.epsilonShare().doubleValue();

    Finding finding = audit(releaser, shownVariance(varianceByCampaign.postProcessing()), 301);

    assertTrue(finding.epsilonLowerBound() <= 3 * share, finding.toString());
    // Not vacuous: the outlier does move the variance as far as the noise lets it.
    assertTrue(finding.epsilonLowerBound() >= 0.25 * share, finding.toString());
  }

  @Test
  void sumOfSquares_staysWithinItsShare() {
    ReleaseSpec spec = varianceByCampaign.releaseSpec();
    Releaser releaser = Releaser.forSpec(spec);
    double share = releaser.epsilonShare().doubleValue();

    Finding finding = audit(releaser, sumOfSquares(spec), 311);

    assertTrue(finding.epsilonLowerBound() <= share, finding.toString());
    assertTrue(finding.epsilonLowerBound() >= 0.5 * share, finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {321, 322})
  void sumOfSquares_halvedNoiseScale_isDetected(long seed) {
    ReleaseSpec spec = varianceByCampaign.releaseSpec();
    double share = Releaser.forSpec(spec).epsilonShare().doubleValue();

    Finding finding = audit(halvedNoise(spec), sumOfSquares(spec), seed);

    assertTrue(finding.epsilonLowerBound() > share, finding.toString());
  }
}
