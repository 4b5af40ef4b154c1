package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyException;
import org.junit.jupiter.api.Test;

class PartitionSelectionTest {

  private static PartitionSelection selection(int groups, boolean remainder) {
    return PartitionSelection.builder()
        .epsilon(Rational.ONE)
        .delta(1e-6)
        .maxGroupsContributed(groups)
        .minimumDistinctUnits(50)
        .remainderRow(remainder)
        .build();
  }

  @Test
  void threshold_isMinimumPlusTailQuantileOfDeltaOverGroups() {
    PartitionSelection selection = selection(2, false);
    long z = selection.noise().upperTailQuantile(1e-6 / 2);
    assertEquals(50 + z, selection.threshold());
    // Scale m / ε = 2: the tail needs about 2 ln(1/δ') steps.
    assertTrue(z > 25 && z < 30, "z = " + z);
  }

  @Test
  void remainderThreshold_coversAChangeOfMaxGroupsContributed() {
    PartitionSelection selection = selection(3, true);
    long z = selection.noise().upperTailQuantile(1e-6);
    assertEquals(3L * 50 + z, selection.threshold());
    assertEquals(3L * 49 + 1, selection.exactMinimum());
  }

  @Test
  void exactCountBelowMinimum_neverReleasedWhateverTheNoise() {
    PartitionSelection selection =
        PartitionSelection.builder()
            .epsilon(Rational.of(1, 1000))
            .delta(0.4)
            .maxGroupsContributed(1)
            .minimumDistinctUnits(50)
            .build();
    NoiseSource source = new SeededNoiseSource(11);
    for (int i = 0; i < 2000; i++) {
      assertFalse(selection.select(49, source).isPresent());
    }
  }

  @Test
  void largeGroup_releasedWithItsNoisyCount() {
    PartitionSelection selection = selection(1, false);
    NoiseSource source = new SeededNoiseSource(5);
    long noisy = selection.select(10_000, source).orElseThrow();
    assertTrue(Math.abs(noisy - 10_000) < 40, "noisy = " + noisy);
  }

  @Test
  void minimumBelowTwo_isRejectedWithItsValue() {
    PolicyException error =
        assertThrows(
            PolicyException.class,
            () ->
                PartitionSelection.builder()
                    .epsilon(Rational.ONE)
                    .delta(1e-6)
                    .maxGroupsContributed(1)
                    .minimumDistinctUnits(1)
                    .build());
    assertEquals("minimumDistinctUnits must be >= 2, was 1", error.getMessage());
  }

  @Test
  void deltaOutOfRange_isRejectedWithItsValue() {
    PolicyException error =
        assertThrows(
            PolicyException.class,
            () ->
                PartitionSelection.builder()
                    .epsilon(Rational.ONE)
                    .delta(1.5)
                    .maxGroupsContributed(1)
                    .minimumDistinctUnits(5)
                    .build());
    assertEquals("delta must be in (0, 1), was 1.5", error.getMessage());
  }
}
