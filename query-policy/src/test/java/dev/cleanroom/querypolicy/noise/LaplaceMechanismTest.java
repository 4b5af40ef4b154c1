package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.junit.jupiter.api.Test;

class LaplaceMechanismTest {

  @Test
  void countMechanism_hasGranularityOneAndScaleSensitivityOverEpsilon() {
    LaplaceMechanism mechanism =
        LaplaceMechanism.builder()
            .maxContributionPerGroup(BigDecimal.ONE)
            .maxGroupsContributed(2)
            .epsilon(Rational.of(1, 2))
            .integerValued(true)
            .build();

    assertEquals(BigDecimal.ONE, mechanism.granularity());
    assertEquals(2, mechanism.gridSensitivity());
    assertEquals(Rational.of(4, 1), mechanism.noise().scale());
    assertEquals(0, new BigDecimal("4").compareTo(mechanism.scale()));
  }

  @Test
  void realMechanism_usesPowerOfTwoGridBelowScaleAndOutputsLieOnIt() {
    LaplaceMechanism mechanism =
        LaplaceMechanism.builder()
            .maxContributionPerGroup(new BigDecimal("100"))
            .maxGroupsContributed(1)
            .epsilon(Rational.of(1, 2))
            .build();

    // Δ/ε = 200; 200 / 2^10 = 0.195..., the largest power of two below it is 2^-3.
    assertEquals(0, new BigDecimal("0.125").compareTo(mechanism.granularity()));
    assertEquals(800, mechanism.gridSensitivity());
    NoiseSource source = new SeededNoiseSource(7);
    for (int i = 0; i < 200; i++) {
      BigDecimal released = mechanism.release(new BigDecimal("1234.5678"), source);
      BigDecimal steps = released.divide(mechanism.granularity());
      assertTrue(steps.stripTrailingZeros().scale() <= 0, "off the grid: " + released);
    }
  }

  @Test
  void gridDoesNotDependOnTheValue_sameGranularityForAnyInput() {
    LaplaceMechanism mechanism =
        LaplaceMechanism.builder()
            .maxContributionPerGroup(new BigDecimal("3.7"))
            .maxGroupsContributed(3)
            .epsilon(Rational.of(1, 10))
            .build();
    BigDecimal granularity = mechanism.granularity();
    assertEquals(
        BigInteger.valueOf(8), mechanism.toGrid(granularity.multiply(BigDecimal.valueOf(8))));
    assertEquals(
        BigInteger.valueOf(-3), mechanism.toGrid(granularity.multiply(new BigDecimal("-3.4"))));
    assertEquals(
        BigInteger.valueOf(4), mechanism.toGrid(granularity.multiply(new BigDecimal("3.5"))));
  }

  @Test
  void missingEpsilon_failsNamingTheParameter() {
    PolicyException error =
        assertThrows(
            PolicyException.class,
            () ->
                LaplaceMechanism.builder()
                    .maxContributionPerGroup(BigDecimal.ONE)
                    .maxGroupsContributed(1)
                    .build());
    assertEquals(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, error.code());
    assertEquals("epsilon must be > 0, was null", error.getMessage());
  }

  @Test
  void zeroGroups_failsNamingTheParameterAndValue() {
    PolicyException error =
        assertThrows(
            PolicyException.class,
            () ->
                LaplaceMechanism.builder()
                    .maxContributionPerGroup(BigDecimal.ONE)
                    .maxGroupsContributed(0)
                    .epsilon(Rational.ONE)
                    .build());
    assertEquals("maxGroupsContributed must be >= 1, was 0", error.getMessage());
  }

  @Test
  void fractionalBoundForCount_isRejected() {
    PolicyException error =
        assertThrows(
            PolicyException.class,
            () ->
                LaplaceMechanism.builder()
                    .maxContributionPerGroup(new BigDecimal("1.5"))
                    .maxGroupsContributed(1)
                    .epsilon(Rational.ONE)
                    .integerValued(true)
                    .build());
    assertTrue(error.getMessage().contains("1.5"), error.getMessage());
  }
}
