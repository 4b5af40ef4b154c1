package dev.cleanroom.server.dataset;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.SecureNoiseSource;
import org.junit.jupiter.api.Test;

/** The mark {@code auto} decides by: noisy around the threshold, certain far from it. */
class ScaleOutMarksTest {
  private final ScaleOutMarks marks = new ScaleOutMarks(6_400, SecureNoiseSource.create());

  @Test
  void farBelowTheThreshold_neverMarked_farAbove_alwaysMarked() {
    // The noise has scale 100: 6,400 rows away is 64 scales, a chance of about exp(-64).
    for (int i = 0; i < 200; i++) {
      assertFalse(marks.mark(0));
      assertTrue(marks.mark(12_800));
    }
  }

  @Test
  void atTheThreshold_eitherOutcome_soOneRowDecidesNothing() {
    int marked = 0;
    for (int i = 0; i < 400; i++) {
      marked += marks.mark(6_400) ? 1 : 0;
    }
    // About half; outside [100, 300] has a chance below 1e-20.
    assertTrue(marked > 100 && marked < 300, "marked " + marked + " of 400");
  }

  @Test
  void thresholdBelow64_orNegativeRows_refused() {
    assertThrows(
        IllegalArgumentException.class, () -> new ScaleOutMarks(63, SecureNoiseSource.create()));
    assertThrows(IllegalArgumentException.class, () -> marks.mark(-1));
  }
}
