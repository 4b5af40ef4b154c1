package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussianThresholdingTest {

  private static GaussianThresholding thresholding(int groups) {
    return GaussianThresholding.builder()
        .rho(Rational.of(1, 100))
        .delta(1e-6)
        .maxGroupsContributed(groups)
        .minimumDistinctUnits(50)
        .build();
  }

  @Test
  void threshold_isTheSmallestKeepingAGroupAtKBelowDeltaOverM() {
    for (int groups : new int[] {1, 4}) {
      GaussianThresholding selection = thresholding(groups);
      long z = selection.threshold() - 50;
      assertTrue(selection.noise().upperTail(z) <= 1e-6 / groups);
      assertTrue(selection.noise().upperTail(z - 1) > 1e-6 / groups);
      assertTrue(selection.releaseProbability(50) <= 1e-6 / groups);
      // σ² = m / (2ρ) = 50 m.
      assertEquals(Rational.of(50L * groups, 1), selection.noise().sigmaSquared());
    }
  }

  @Test
  void select_neverReleasesBelowTheExactMinimum() {
    // A δ near 1 puts the threshold just above k, so the noisy count of a group of k - 1 often
    // reaches it: only the exact minimum keeps such a group back.
    GaussianThresholding selection =
        GaussianThresholding.builder()
            .rho(Rational.of(1, 100))
            .delta(0.9)
            .maxGroupsContributed(1)
            .minimumDistinctUnits(50)
            .build();
    assertTrue(selection.threshold() <= 55, "threshold " + selection.threshold());
    assertTrue(selection.noise().atLeast(selection.threshold() - 49) > 0.2);
    NoiseSource source = new SeededNoiseSource(11);
    for (int i = 0; i < 1000; i++) {
      assertTrue(selection.select(49, source).isEmpty());
    }
  }

  @Test
  void select_releasesLargeGroupsWithTheirNoisyCount() {
    GaussianThresholding selection = thresholding(1);
    NoiseSource source = new SeededNoiseSource(12);
    long large = selection.threshold() + 100;
    for (int i = 0; i < 1000; i++) {
      long noisy = selection.select(large, source).orElseThrow();
      assertEquals(large, noisy, 60);
    }
    assertEquals(1, selection.releaseProbability(large), 1e-9);
  }
}
