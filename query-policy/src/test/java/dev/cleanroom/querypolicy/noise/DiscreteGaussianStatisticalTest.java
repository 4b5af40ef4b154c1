package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Distribution tests of the discrete Gaussian sampler: 100,000 samples pin the variance within
 * about 0.45% (one standard error), so a σ² 10% off fails by a wide margin.
 */
@Tag("statistical")
class DiscreteGaussianStatisticalTest {

  private static final int SAMPLES = 100_000;

  private static Map<Long, Integer> counts(DiscreteGaussian gaussian, long seed, double[] moments) {
    NoiseSource source = new SeededNoiseSource(seed);
    Map<Long, Integer> counts = new HashMap<>();
    double sum = 0;
    double sumOfSquares = 0;
    for (int i = 0; i < SAMPLES; i++) {
      long x = gaussian.sample(source);
      counts.merge(x, 1, Integer::sum);
      sum += x;
      sumOfSquares += (double) x * x;
    }
    moments[0] = sum / SAMPLES;
    moments[1] = sumOfSquares / SAMPLES - moments[0] * moments[0];
    return counts;
  }

  private static double exactVariance(DiscreteGaussian gaussian) {
    double variance = 0;
    for (long x = -200; x <= 200; x++) {
      variance += (double) x * x * gaussian.probability(x);
    }
    return variance;
  }

  @Test
  void sigmaSquaredFour_matchesMeanVarianceAndPmf() {
    DiscreteGaussian gaussian = DiscreteGaussian.builder().sigmaSquared(Rational.of(4, 1)).build();
    double[] moments = new double[2];
    Map<Long, Integer> counts = counts(gaussian, 505, moments);

    double variance = exactVariance(gaussian);
    assertEquals(4.0, variance, 1e-6);
    assertEquals(0, moments[0], 6 * Math.sqrt(variance / SAMPLES));
    assertEquals(variance, moments[1], 0.02 * variance);
    long reach = 8;
    double chi = ChiSquare.statistic(counts, SAMPLES, reach, gaussian::probability);
    assertTrue(chi < ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
  }

  @Test
  void fractionalSigmaSquared_matchesPmf() {
    DiscreteGaussian gaussian = DiscreteGaussian.builder().sigmaSquared(Rational.of(5, 2)).build();
    double[] moments = new double[2];
    Map<Long, Integer> counts = counts(gaussian, 606, moments);

    long reach = 7;
    double chi = ChiSquare.statistic(counts, SAMPLES, reach, gaussian::probability);
    assertTrue(chi < ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
    assertEquals(exactVariance(gaussian), moments[1], 0.02 * exactVariance(gaussian));
  }

  @Test
  void samplesOfOneSigma_rejectedAgainstSigmaSquaredTenPercentOff() {
    DiscreteGaussian gaussian = DiscreteGaussian.builder().sigmaSquared(Rational.of(4, 1)).build();
    DiscreteGaussian wrong = DiscreteGaussian.builder().sigmaSquared(Rational.of(44, 10)).build();
    double[] moments = new double[2];
    Map<Long, Integer> counts = counts(gaussian, 707, moments);

    long reach = 8;
    double chi = ChiSquare.statistic(counts, SAMPLES, reach, wrong::probability);
    assertTrue(chi > ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
  }

  @Test
  void epsilonFor_followsTheZcdpConversion() {
    DiscreteGaussian gaussian = DiscreteGaussian.builder().sigmaSquared(Rational.of(50, 1)).build();
    double rho = 1.0 / 100;
    assertEquals(rho + 2 * Math.sqrt(rho * Math.log(1e6)), gaussian.epsilonFor(1, 1e-6), 1e-12);
  }
}
