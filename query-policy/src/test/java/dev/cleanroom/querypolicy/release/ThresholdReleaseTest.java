package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.DiscreteLaplace;
import dev.cleanroom.querypolicy.noise.PartitionSelection;
import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import dev.cleanroom.querypolicy.release.DerivedExpression.Interval;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/**
 * The confidence set conditioned on the release covers every exact count 95% of the time among its
 * releases, computed exactly from the distribution (and checked against real releases), and is the
 * plain interval far above the threshold.
 */
class ThresholdReleaseTest {

  /** The README's reach query at epsilon 0.5: k = 50, scale 8, threshold 156. */
  /** Three shares of 0.125: discrete Laplace of scale 8 at m = 1, threshold 156. */
  private static final String SCALE_EIGHT = "0.375";

  private static Releaser readmeQuery(String epsilon, int groups) {
    return Releaser.forSpec(
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
            new QueryPrivacyParameters(new BigDecimal(epsilon), 1e-6, 50, groups, false)
                .withMechanism(MechanismPreference.LAPLACE)));
  }

  /** The Laplace threshold of the README query (the rule whose release this conditions on). */
  private static PartitionSelection threshold(String epsilon, int groups) {
    return (PartitionSelection) readmeQuery(epsilon, groups).groupSelection();
  }

  /** The probability, among releases of a group of {@code exact} people, that the set holds it. */
  private static double conditionalCoverage(
      PartitionSelection selection, ThresholdRelease release, long exact) {
    DiscreteLaplace noise = selection.noise();
    double released = 0;
    double covered = 0;
    long threshold = selection.threshold();
    for (long y = threshold; y < threshold + exact + 4000; y++) {
      double p = noise.probability(y - exact);
      released += p;
      Optional<Interval> set = release.exactCounts(y);
      if (set.isPresent()
          && set.get().low().longValueExact() <= exact
          && exact <= set.get().high().longValueExact()) {
        covered += p;
      }
    }
    return covered / released;
  }

  @Test
  void everyExactCount_coveredAtLeast95PercentOfItsReleases() {
    for (String epsilon : List.of("0.1", "0.5", "2")) {
      for (int groups : new int[] {1, 3}) {
        PartitionSelection selection = threshold(epsilon, groups);
        ThresholdRelease release = ThresholdRelease.of(selection, 0.95);
        long threshold = selection.threshold();
        for (long exact :
            new long[] {
              50,
              51,
              (50 + threshold) / 2,
              threshold - 3,
              threshold,
              threshold + 5,
              threshold + 40,
              3 * threshold
            }) {
          double coverage = conditionalCoverage(selection, release, exact);
          assertTrue(
              coverage >= 0.95,
              "epsilon " + epsilon + ", m " + groups + ", c " + exact + ": " + coverage);
        }
      }
    }
  }

  @Test
  void groupNearTheThreshold_setReachesDownToK_whereThePlainIntervalMissesIt() {
    PartitionSelection selection = threshold(SCALE_EIGHT, 1);
    assertEquals(156, selection.threshold());
    ThresholdRelease release = ThresholdRelease.of(selection, 0.95);
    Interval atThreshold = release.exactCounts(156).orElseThrow();
    // A group of 100 people is released (rarely) at 156; 156 ± 24 misses it, the set does not.
    assertEquals(50, atThreshold.low().longValueExact());
    assertTrue(atThreshold.high().longValueExact() > 156 && atThreshold.high().longValue() < 180);
  }

  @Test
  void farAboveTheThreshold_setIsThePlainInterval() {
    PartitionSelection selection = threshold("0.5", 1);
    ThresholdRelease release = ThresholdRelease.of(selection, 0.95);
    long halfWidth = selection.noise().halfWidth(0.95);
    for (long y : new long[] {400, 1_000, 1_000_000}) {
      Interval set = release.exactCounts(y).orElseThrow();
      assertEquals(y - halfWidth, set.low().longValueExact(), "y " + y);
      assertEquals(y + halfWidth, set.high().longValueExact(), "y " + y);
    }
  }

  @Test
  void everyReleasableValue_hasANonEmptyIntervalHoldingNoCountBelowK() {
    for (String epsilon : List.of("0.05", "0.1", "0.5", "5")) {
      PartitionSelection selection = threshold(epsilon, 1);
      ThresholdRelease release = ThresholdRelease.of(selection, 0.95);
      long previousLow = 0;
      long previousHigh = 0;
      for (long y = selection.threshold(); y < selection.threshold() + 3000; y++) {
        Interval set = release.exactCounts(y).orElseThrow(() -> new AssertionError("empty"));
        assertTrue(set.low().longValueExact() >= 50);
        // A higher released value never moves the set down.
        assertTrue(set.low().longValueExact() >= previousLow, "y " + y);
        assertTrue(set.high().longValueExact() >= previousHigh, "y " + y);
        previousLow = set.low().longValueExact();
        previousHigh = set.high().longValueExact();
      }
      assertFalse(release.exactCounts(selection.threshold() - 1).isPresent());
    }
  }

  @Test
  void realReleases_ofAGroupNearTheThreshold_areCoveredAbout95Percent() {
    PartitionSelection selection = threshold("0.5", 1);
    ThresholdRelease release = ThresholdRelease.of(selection, 0.95);
    SeededNoiseSource source = new SeededNoiseSource(15);
    int releases = 0;
    int covered = 0;
    while (releases < 4000) {
      OptionalLong shown = selection.select(140, source);
      if (shown.isPresent()) {
        releases++;
        Interval set = release.exactCounts(shown.getAsLong()).orElseThrow();
        if (set.low().longValueExact() <= 140 && 140 <= set.high().longValueExact()) {
          covered++;
        }
      }
    }
    // 95% or more; with 4,000 releases a coverage of 93% would be 6 standard deviations off.
    assertTrue(covered >= 0.94 * releases, covered + " of " + releases);
  }

  @Test
  void smallestShown_isTheThresholdForHalfAndTheExactQuantileFor95Percent() {
    PartitionSelection selection = threshold(SCALE_EIGHT, 1);
    ThresholdRelease release = ThresholdRelease.of(selection, 0.95);
    assertEquals(156, release.smallestShown(0.5));
    long almostAlways = release.smallestShown(0.95);
    assertTrue(release.releaseProbability(almostAlways) >= 0.95);
    assertTrue(release.releaseProbability(almostAlways - 1) < 0.95);
    assertEquals(0, release.releaseProbability(49));
    // P(156 + Z >= 156) is P(Z >= 0), a little over one half.
    assertEquals(1 / (1 + Math.exp(-1 / 8.0)), release.releaseProbability(156), 1e-12);
    // Checked against real releases: about 95% of groups of that size are shown.
    SeededNoiseSource source = new SeededNoiseSource(7);
    int shown = 0;
    for (int i = 0; i < 20_000; i++) {
      if (selection.select(almostAlways, source).isPresent()) {
        shown++;
      }
    }
    assertTrue(shown >= 0.945 * 20_000, shown + " of 20000");
  }
}
