package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Per-query limits: spread around three quarters of the configured limit, never above it. */
class NoisyLimitTest {
  private static final long GIB = 1L << 30;
  private static final int SAMPLES = 20_000;

  @Test
  void draws_stayWithinHalfAndAllOfTheConfiguredLimit() {
    NoisyLimit limit = NoisyLimit.around(GIB);
    SeededNoiseSource source = new SeededNoiseSource(7);
    for (int i = 0; i < SAMPLES; i++) {
      long drawn = limit.draw(source);
      assertTrue(drawn >= GIB / 2 && drawn <= GIB, "drawn " + drawn);
    }
  }

  @Test
  void draws_spreadAsALaplaceOfScaleOneSixtyFourthAroundThreeQuarters() {
    NoisyLimit limit = NoisyLimit.around(GIB);
    SeededNoiseSource source = new SeededNoiseSource(11);
    double scale = GIB / 64.0;
    double centre = GIB * 0.75;
    double sum = 0;
    int beyondOneScale = 0;
    for (int i = 0; i < SAMPLES; i++) {
      double deviation = limit.draw(source) - centre;
      sum += deviation;
      if (Math.abs(deviation) > scale) {
        beyondOneScale++;
      }
    }
    // Mean 0 (standard error sqrt(2) * scale / sqrt(n) ~ 0.01 scale); P(|X| > b) = 1/e.
    assertEquals(0, sum / SAMPLES / scale, 0.05);
    assertEquals(Math.exp(-1), beyondOneScale / (double) SAMPLES, 0.015);
  }

  /**
   * The property that matters: a query whose use is one person's worth (Δ) above another's fails
   * with probability at most exp(Δ / scale) times as often, measured where a fixed limit would
   * decide with certainty.
   */
  @Test
  void failureRate_movesByAtMostTheLaplaceFactorForOnePersonsWork() {
    NoisyLimit limit = NoisyLimit.around(GIB);
    SeededNoiseSource source = new SeededNoiseSource(13);
    long scale = GIB / 64;
    long delta = scale / 10;
    long use = GIB * 3 / 4 + scale;
    int failsWithout = 0;
    int failsWith = 0;
    for (int i = 0; i < 4 * SAMPLES; i++) {
      long drawn = limit.draw(source);
      failsWithout += use > drawn ? 1 : 0;
      failsWith += use + delta > drawn ? 1 : 0;
    }
    double ratio = failsWith / (double) failsWithout;
    assertTrue(failsWithout > 0.7 * 4 * SAMPLES, "failures " + failsWithout);
    assertTrue(ratio <= Math.exp(0.1) * 1.02, "ratio " + ratio);
    assertTrue(ratio > 1.0, "the person's work must matter a little, ratio " + ratio);
  }

  @Test
  void limitBelowOne_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> NoisyLimit.around(0));
  }
}
