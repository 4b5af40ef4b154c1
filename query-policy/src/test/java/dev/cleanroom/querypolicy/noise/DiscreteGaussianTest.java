package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyException;
import org.junit.jupiter.api.Test;

class DiscreteGaussianTest {

  private static DiscreteGaussian gaussian(long numerator, long denominator) {
    return DiscreteGaussian.builder().sigmaSquared(Rational.of(numerator, denominator)).build();
  }

  @Test
  void build_refusesZeroAndMissingVariance() {
    PolicyException zero =
        assertThrows(
            PolicyException.class,
            () -> DiscreteGaussian.builder().sigmaSquared(Rational.ZERO).build());
    assertTrue(zero.getMessage().contains("sigmaSquared"), zero.getMessage());
    assertThrows(PolicyException.class, () -> DiscreteGaussian.builder().build());
  }

  @Test
  void probabilities_sumToOne() {
    for (DiscreteGaussian gaussian :
        new DiscreteGaussian[] {gaussian(1, 4), gaussian(9, 1), gaussian(400, 1)}) {
      double sum = 0;
      for (long x = -2000; x <= 2000; x++) {
        sum += gaussian.probability(x);
      }
      assertEquals(1, sum, 1e-12);
    }
  }

  @Test
  void halfWidth_isTheSmallestCoveringNinetyFivePercent() {
    DiscreteGaussian gaussian = gaussian(100, 1);
    long z = gaussian.halfWidth(0.95);
    // Continuous: 1.96 σ = 19.6.
    assertEquals(20, z);
    double inside = 0;
    for (long x = -z; x <= z; x++) {
      inside += gaussian.probability(x);
    }
    assertTrue(inside >= 0.95, "inside " + inside);
    assertTrue(inside - gaussian.probability(z) - gaussian.probability(-z) < 0.95);
  }

  @Test
  void upperTail_boundsTheTrueTailFromAboveAndTightly() {
    for (DiscreteGaussian gaussian :
        new DiscreteGaussian[] {gaussian(2, 1), gaussian(50, 3), gaussian(2500, 1)}) {
      for (long z = 1; z < 8 * gaussian.sigma(); z++) {
        double exact = gaussian.atLeast(z);
        double bound = gaussian.upperTail(z);
        if (exact > 1e-250) {
          assertTrue(bound >= exact, "z " + z + ": bound " + bound + " < " + exact);
        }
        if (z > 3 * gaussian.sigma() && exact > 1e-250) {
          assertTrue(bound <= 1.5 * exact, "z " + z + ": bound " + bound + " vs " + exact);
        }
      }
    }
  }

  @Test
  void upperTailQuantile_isTheSmallestWithinTheProbability() {
    DiscreteGaussian gaussian = gaussian(200, 1);
    long z = gaussian.upperTailQuantile(1e-6);
    assertTrue(gaussian.upperTail(z) <= 1e-6);
    assertTrue(gaussian.upperTail(z - 1) > 1e-6);
    // About 4.75 σ.
    assertEquals(4.75 * Math.sqrt(200), z, 2);
  }
}
