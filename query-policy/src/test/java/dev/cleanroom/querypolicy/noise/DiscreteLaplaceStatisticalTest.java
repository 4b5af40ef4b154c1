package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Distribution tests of the discrete Laplace sampler. 200,000 samples put the sample variance
 * within about 0.5% (one standard error) of the truth, so a scale 10% off (variance about 20% off)
 * fails both the variance and the chi-square checks by a wide margin.
 */
@Tag("statistical")
class DiscreteLaplaceStatisticalTest {

  private static final int SAMPLES = 200_000;

  private record Moments(double mean, double variance, Map<Long, Integer> counts) {}

  private static Moments sample(DiscreteLaplace laplace, long seed) {
    NoiseSource source = new SeededNoiseSource(seed);
    Map<Long, Integer> counts = new HashMap<>();
    double sum = 0;
    double sumOfSquares = 0;
    for (int i = 0; i < SAMPLES; i++) {
      long x = laplace.sample(source);
      counts.merge(x, 1, Integer::sum);
      sum += x;
      sumOfSquares += (double) x * x;
    }
    double mean = sum / SAMPLES;
    return new Moments(mean, sumOfSquares / SAMPLES - mean * mean, counts);
  }

  private static double variance(double scale) {
    double q = Math.exp(-1 / scale);
    return 2 * q / ((1 - q) * (1 - q));
  }

  @Test
  void integerScale_matchesMeanVarianceAndPmf() {
    DiscreteLaplace laplace = DiscreteLaplace.builder().scale(Rational.of(3, 1)).build();
    Moments moments = sample(laplace, 101);

    double expectedVariance = variance(3);
    assertEquals(0, moments.mean(), 6 * Math.sqrt(expectedVariance / SAMPLES));
    assertEquals(expectedVariance, moments.variance(), 0.03 * expectedVariance);
    long reach = 20;
    double chi = ChiSquare.statistic(moments.counts(), SAMPLES, reach, laplace::probability);
    assertTrue(chi < ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
  }

  @Test
  void fractionalScale_matchesPmf() {
    DiscreteLaplace laplace = DiscreteLaplace.builder().scale(Rational.of(7, 3)).build();
    Moments moments = sample(laplace, 202);

    assertEquals(variance(7.0 / 3), moments.variance(), 0.03 * variance(7.0 / 3));
    long reach = 15;
    double chi = ChiSquare.statistic(moments.counts(), SAMPLES, reach, laplace::probability);
    assertTrue(chi < ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
  }

  @Test
  void samplesOfOneScale_rejectedAgainstAScaleTenPercentOff() {
    DiscreteLaplace laplace = DiscreteLaplace.builder().scale(Rational.of(3, 1)).build();
    DiscreteLaplace wrong = DiscreteLaplace.builder().scale(Rational.of(33, 10)).build();
    Moments moments = sample(laplace, 303);

    long reach = 20;
    double chi = ChiSquare.statistic(moments.counts(), SAMPLES, reach, wrong::probability);
    assertTrue(chi > ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
    assertTrue(Math.abs(moments.variance() - variance(3.3)) > 0.03 * variance(3.3));
  }

  @Test
  void largeScale_tailMatchesTheExactTailProbability() {
    DiscreteLaplace laplace = DiscreteLaplace.builder().scale(Rational.of(1000, 1)).build();
    NoiseSource source = new SeededNoiseSource(404);
    long z = 2000;
    int above = 0;
    for (int i = 0; i < SAMPLES; i++) {
      above += laplace.sample(source) >= z ? 1 : 0;
    }
    double expected = laplace.upperTail(z) * SAMPLES;
    // Binomial count: six standard deviations.
    assertEquals(expected, above, 6 * Math.sqrt(expected));
  }
}
