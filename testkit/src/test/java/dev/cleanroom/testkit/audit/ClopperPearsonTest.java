package dev.cleanroom.testkit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ClopperPearsonTest {

  @Test
  void halfOfTen_matchesTheTabulatedInterval() {
    // The two-sided 95% Clopper-Pearson interval of 5 in 10 is [0.1871, 0.8129].
    assertEquals(0.1871, ClopperPearson.lower(5, 10, 0.975), 1e-4);
    assertEquals(0.8129, ClopperPearson.upper(5, 10, 0.975), 1e-4);
  }

  @Test
  void noSuccesses_upperBoundHasTheClosedForm() {
    // P(X = 0 | p) = (1 - p)^n = alpha.
    assertEquals(1 - Math.pow(0.05, 1.0 / 1000), ClopperPearson.upper(0, 1000, 0.95), 1e-9);
    assertEquals(0, ClopperPearson.lower(0, 1000, 0.95));
  }

  @Test
  void allSuccesses_lowerBoundHasTheClosedForm() {
    assertEquals(Math.pow(0.05, 1.0 / 1000), ClopperPearson.lower(1000, 1000, 0.95), 1e-9);
    assertEquals(1, ClopperPearson.upper(1000, 1000, 0.95));
  }

  @Test
  void largeSample_boundsSitAboutTwoStandardErrorsAway() {
    double p = 0.05;
    long n = 25_000;
    double standardError = Math.sqrt(p * (1 - p) / n);
    double lower = ClopperPearson.lower(1250, n, 0.975);
    assertEquals(p - 1.96 * standardError, lower, 0.1 * standardError);
  }

  @Test
  void logGamma_matchesFactorials() {
    assertEquals(Math.log(24), ClopperPearson.logGamma(5), 1e-12);
    assertEquals(Math.log(Math.sqrt(Math.PI)), ClopperPearson.logGamma(0.5), 1e-12);
  }

  @Test
  void successesAboveTrials_areRejected() {
    assertThrows(IllegalArgumentException.class, () -> ClopperPearson.lower(11, 10, 0.95));
  }
}
