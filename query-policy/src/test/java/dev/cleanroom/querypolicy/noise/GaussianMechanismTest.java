package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class GaussianMechanismTest {

  @Test
  void count_hasGranularityOneAndSigmaFromTheL2Sensitivity() {
    GaussianMechanism mechanism =
        GaussianMechanism.builder()
            .maxContributionPerGroup(BigDecimal.ONE)
            .maxGroupsContributed(4)
            .rho(Rational.of(1, 50))
            .integerValued(true)
            .build();

    assertEquals(0, mechanism.granularity().compareTo(BigDecimal.ONE));
    assertEquals(BigInteger.valueOf(4), mechanism.gridSensitivitySquared());
    // σ² = Δ₂² / (2ρ) = 4 / (1/25) = 100.
    assertEquals(Rational.of(100, 1), mechanism.noise().sigmaSquared());
    assertEquals(0, mechanism.scale().compareTo(BigDecimal.TEN));
    assertEquals(0, mechanism.halfWidth(0.95).compareTo(BigDecimal.valueOf(20)));
  }

  @Test
  void sum_usesAPowerOfTwoGridAndKeepsRhoExact() {
    Rational rho = Rational.of(1, 8);
    GaussianMechanism mechanism =
        GaussianMechanism.builder()
            .maxContributionPerGroup(new BigDecimal("100"))
            .maxGroupsContributed(3)
            .rho(rho)
            .integerValued(false)
            .build();

    BigDecimal g = mechanism.granularity();
    // σ = sqrt(3) · 100 / sqrt(1/4) ≈ 346; the grid is the largest power of two ≤ σ / 1024.
    assertEquals(0, g.compareTo(new BigDecimal("0.25")));
    BigInteger steps = BigInteger.valueOf(400);
    assertEquals(
        steps.multiply(steps).multiply(BigInteger.valueOf(3)), mechanism.gridSensitivitySquared());
    Rational recomputed =
        new Rational(mechanism.gridSensitivitySquared(), BigInteger.ONE)
            .divide(Rational.of(2, 1).multiply(mechanism.noise().sigmaSquared()));
    assertEquals(rho, recomputed);
    assertEquals(346.41, mechanism.scale().doubleValue(), 0.01);
  }

  @Test
  void release_isOnTheGrid() {
    GaussianMechanism mechanism =
        GaussianMechanism.builder()
            .maxContributionPerGroup(new BigDecimal("100"))
            .maxGroupsContributed(1)
            .rho(Rational.of(1, 2))
            .build();
    NoiseSource source = new SeededNoiseSource(7);
    for (int i = 0; i < 100; i++) {
      BigDecimal released = mechanism.release(new BigDecimal("1234.5678"), source);
      assertEquals(
          0, released.remainder(mechanism.granularity()).signum(), released.toPlainString());
    }
  }

  @Test
  void sensitivityMultiplier_scalesSigma() {
    GaussianMechanism mechanism =
        GaussianMechanism.builder()
            .maxContributionPerGroup(BigDecimal.ONE)
            .maxGroupsContributed(4)
            .sensitivityMultiplier(4)
            .rho(Rational.of(1, 2))
            .integerValued(true)
            .build();
    assertEquals(BigInteger.valueOf(64), mechanism.gridSensitivitySquared());
  }

  @Test
  void build_namesTheBadParameter() {
    PolicyException error =
        assertThrows(
            PolicyException.class,
            () ->
                GaussianMechanism.builder()
                    .maxContributionPerGroup(BigDecimal.ONE)
                    .maxGroupsContributed(1)
                    .build());
    assertTrue(error.getMessage().contains("rho"), error.getMessage());
  }
}
