package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.PolicyException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ZeroConcentratedDpTest {

  /**
   * Reference values of {@code inf_α αρ + (ln(1/δ) + (α-1) ln(1-1/α) - ln α) / (α-1)}, minimized
   * independently over 200,001 values of α (so slightly above the infimum). The code's value is
   * never below the infimum (found here by a fine search of its own) and close to the reference.
   */
  @ParameterizedTest
  @CsvSource({
    "1/2, 1e-6, 5.221534451838215",
    "1/100, 1e-6, 0.6216926562991668",
    "263/100, 1e-10, 17.430584563797865",
    "1/8, 1e-5, 2.165715552071038"
  })
  void epsilon_matchesTheTightConversionRoundedUp(String rho, double delta, double expected) {
    double epsilon = ZeroConcentratedDp.epsilon(parse(rho), delta);
    assertEquals(expected, epsilon, 1e-7 * expected);
    double infimum = infimum(parse(rho).doubleValue(), delta);
    assertTrue(epsilon >= infimum, epsilon + " below the infimum " + infimum);
    assertTrue(epsilon <= infimum * (1 + 1e-8), epsilon + " far above the infimum " + infimum);
  }

  @ParameterizedTest
  @CsvSource({"1/2, 1e-6", "1/100, 1e-6", "263/100, 1e-10", "1/8, 1e-5", "1/10000, 1e-9"})
  void epsilon_isBelowTheClassicBound(String rho, double delta) {
    Rational value = parse(rho);
    assertTrue(
        ZeroConcentratedDp.epsilon(value, delta) < ZeroConcentratedDp.classicEpsilon(value, delta));
  }

  @ParameterizedTest
  @CsvSource({"1/2, 1e-6", "1/100, 1e-6", "1/8, 1e-5"})
  void delta_atTheConvertedEpsilon_isTheGivenDelta(String rho, double delta) {
    Rational value = parse(rho);
    double epsilon = ZeroConcentratedDp.epsilon(value, delta);
    double back = ZeroConcentratedDp.delta(value, epsilon);
    assertTrue(back <= delta * (1 + 1e-6), back + " above " + delta);
    assertTrue(back >= delta * 0.99, back + " far below " + delta);
  }

  @ParameterizedTest
  @CsvSource({"0.1, 5e-7", "0.5, 5e-7", "1, 5e-7", "2, 5e-7", "5, 5e-7", "0.025, 1e-9"})
  void largestRho_convertsWithinEpsilonAndNoLower(double epsilon, double delta) {
    Rational target = Rational.of(new java.math.BigDecimal(Double.toString(epsilon)));
    Rational rho = ZeroConcentratedDp.largestRho(target, delta);
    double converted = ZeroConcentratedDp.epsilon(rho, delta);
    assertTrue(converted <= epsilon, converted + " above " + epsilon);
    assertTrue(converted >= 0.999 * epsilon, converted + " far below " + epsilon);
    // The classic bound solved for ρ is smaller: the tight conversion buys noise.
    double classic =
        Math.pow(Math.sqrt(Math.log(1 / delta) + epsilon) - Math.sqrt(Math.log(1 / delta)), 2);
    assertTrue(rho.doubleValue() > classic, rho.doubleValue() + " vs classic " + classic);
  }

  @Test
  void largestRho_refusesBadDelta() {
    assertThrows(PolicyException.class, () -> ZeroConcentratedDp.largestRho(Rational.ONE, 0));
    assertThrows(PolicyException.class, () -> ZeroConcentratedDp.largestRho(Rational.ONE, 1));
  }

  /** Ternary search on ln(α - 1), then the smallest value on a fine grid around its result. */
  private static double infimum(double rho, double delta) {
    double low = -20;
    double high = 20;
    for (int i = 0; i < 300; i++) {
      double left = low + (high - low) / 3;
      double right = high - (high - low) / 3;
      if (conversion(1 + Math.exp(left), rho, delta)
          < conversion(1 + Math.exp(right), rho, delta)) {
        high = right;
      } else {
        low = left;
      }
    }
    double best = Double.POSITIVE_INFINITY;
    for (int i = -1000; i <= 1000; i++) {
      best = Math.min(best, conversion(1 + Math.exp(low + i * 1e-6), rho, delta));
    }
    return best;
  }

  private static double conversion(double alpha, double rho, double delta) {
    return alpha * rho
        + (Math.log(1 / delta) + (alpha - 1) * Math.log(1 - 1 / alpha) - Math.log(alpha))
            / (alpha - 1);
  }

  private static Rational parse(String fraction) {
    String[] parts = fraction.split("/");
    return Rational.of(Long.parseLong(parts[0]), Long.parseLong(parts[1]));
  }
}
