package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

class TruncatedGeometricSelectionTest {

  private static final double DELTA = 1e-6;

  private static TruncatedGeometricSelection selection(long epsilonNumerator, long denominator) {
    return TruncatedGeometricSelection.builder()
        .epsilon(Rational.of(epsilonNumerator, denominator))
        .delta(DELTA)
        .minimumDistinctUnits(50)
        .build();
  }

  @Test
  void belowTheMinimum_neverReleased_andAtItAtMostDelta() {
    TruncatedGeometricSelection selection = selection(1, 2);
    assertTrue(selection.releaseProbability(49).isZero());
    assertTrue(selection.releaseProbability(0).isZero());
    assertTrue(selection.releaseProbability(50).doubleValue() <= DELTA);
    assertTrue(selection.releaseProbability(50).doubleValue() > 0.99 * DELTA);
  }

  @Test
  void everyNeighbouringPair_satisfiesBothPrivacyConstraints() {
    for (TruncatedGeometricSelection selection :
        new TruncatedGeometricSelection[] {selection(1, 10), selection(1, 1), selection(5, 1)}) {
      // Checked exactly, with a lower bound E <= e^ε in its place (stronger than with e^ε).
      Rational e = TruncatedGeometricSelection.expLowerBound(selection.epsilon());
      Rational delta = Rational.of(new BigDecimal(DELTA));
      for (long n = 0; n < 2000; n++) {
        Rational p = selection.releaseProbability(n);
        Rational q = selection.releaseProbability(n + 1);
        assertTrue(q.compareTo(p) >= 0);
        assertTrue(q.compareTo(e.multiply(p).add(delta)) <= 0, "n " + n);
        assertTrue(
            Rational.ONE.subtract(p).compareTo(e.multiply(Rational.ONE.subtract(q)).add(delta))
                <= 0,
            "n " + n);
      }
      assertEquals(Rational.ONE, selection.releaseProbability(100_000));
    }
  }

  @Test
  void probabilities_matchTheFloatingPointRecursion() {
    TruncatedGeometricSelection selection = selection(1, 2);
    double e = Math.exp(0.5);
    double previous = 0;
    for (long n = 50; n < 150; n++) {
      double next = Math.min(Math.min(e * previous + DELTA, 1 + (previous + DELTA - 1) / e), 1);
      assertEquals(next, selection.releaseProbability(n).doubleValue(), 1e-12 + 1e-9 * next);
      previous = next;
    }
  }

  @Test
  void smallestCountReleased_isWhereTheProbabilityCrosses() {
    TruncatedGeometricSelection selection = selection(1, 1);
    long n = selection.smallestCountReleasedWith(0.95);
    assertTrue(selection.releaseProbability(n).doubleValue() >= 0.95);
    assertTrue(selection.releaseProbability(n - 1).doubleValue() < 0.95);
    // About k + ln(1/δ)/ε + a few: well below the Laplace threshold's 95% point.
    assertTrue(n > 50 + 10 && n < 50 + 20, "n " + n);
  }

  @Test
  void expLowerBound_isBelowExpAndClose() {
    for (long tenths : new long[] {1, 5, 10, 25, 50}) {
      Rational epsilon = Rational.of(tenths, 10);
      double bound = TruncatedGeometricSelection.expLowerBound(epsilon).doubleValue();
      assertTrue(bound <= Math.exp(tenths / 10.0) * (1 + 1e-15));
      assertEquals(Math.exp(tenths / 10.0), bound, 1e-12 * bound);
    }
  }

  @Test
  @Tag("statistical")
  void select_releasesWithTheComputedProbability() {
    TruncatedGeometricSelection selection = selection(1, 1);
    long n = selection.smallestCountReleasedWith(0.5);
    double p = selection.releaseProbability(n).doubleValue();
    NoiseSource source = new SeededNoiseSource(21);
    int trials = 200_000;
    int released = 0;
    for (int i = 0; i < trials; i++) {
      released += selection.select(n, source) ? 1 : 0;
    }
    assertEquals(p * trials, released, 6 * Math.sqrt(trials * p * (1 - p)));
  }
}
