package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyException;
import org.junit.jupiter.api.Test;

class DiscreteLaplaceTest {

  private static DiscreteLaplace withScale(long numerator, long denominator) {
    return DiscreteLaplace.builder().scale(Rational.of(numerator, denominator)).build();
  }

  @Test
  void probabilities_sumToOne() {
    DiscreteLaplace laplace = withScale(5, 2);
    double total = 0;
    for (long x = -400; x <= 400; x++) {
      total += laplace.probability(x);
    }
    assertEquals(1.0, total, 1e-12);
  }

  @Test
  void halfWidth_isTheSmallestCovering95Percent() {
    DiscreteLaplace laplace = withScale(4, 1);
    long z = laplace.halfWidth(0.95);
    assertTrue(mass(laplace, z) >= 0.95);
    assertTrue(mass(laplace, z - 1) < 0.95);
  }

  @Test
  void upperTailQuantile_isTheSmallestBelowTheProbability() {
    DiscreteLaplace laplace = withScale(3, 1);
    long z = laplace.upperTailQuantile(1e-6);
    assertTrue(laplace.upperTail(z) <= 1e-6);
    assertTrue(laplace.upperTail(z - 1) > 1e-6);
  }

  @Test
  void zeroScale_isRejectedWithItsValue() {
    PolicyException error =
        assertThrows(
            PolicyException.class, () -> DiscreteLaplace.builder().scale(Rational.ZERO).build());
    assertTrue(error.getMessage().startsWith("scale must be in (0, "), error.getMessage());
    assertTrue(error.getMessage().endsWith("was 0"), error.getMessage());
  }

  @Test
  void tinyScale_almostAlwaysZero() {
    DiscreteLaplace laplace = withScale(1, 20);
    NoiseSource source = new SeededNoiseSource(3);
    int nonZero = 0;
    for (int i = 0; i < 1000; i++) {
      nonZero += laplace.sample(source) == 0 ? 0 : 1;
    }
    // P(X != 0) = 2 e^-20 / (1 + e^-20): essentially never.
    assertEquals(0, nonZero);
  }

  private static double mass(DiscreteLaplace laplace, long z) {
    double total = 0;
    for (long x = -z; x <= z; x++) {
      total += laplace.probability(x);
    }
    return total;
  }
}
