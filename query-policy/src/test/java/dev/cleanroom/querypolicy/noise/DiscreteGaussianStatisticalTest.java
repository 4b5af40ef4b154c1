package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Distribution tests of the discrete Gaussian sampler. 200,000 samples put the sample variance
 * within about 0.3% (one standard error) of the truth, so a σ 10% off (variance 21% off) or a
 * sampler that skips the rejection step (its Laplace proposal) fails the chi-square check by a wide
 * margin, at a critical value a correct sampler exceeds one run in a million.
 */
@Tag("statistical")
class DiscreteGaussianStatisticalTest {

  private static final int SAMPLES = 200_000;

  private record Moments(double mean, double variance, Map<Long, Integer> counts) {}

  private static Moments sample(ToLongFunction<NoiseSource> sampler, long seed) {
    NoiseSource source = new SeededNoiseSource(seed);
    Map<Long, Integer> counts = new HashMap<>();
    double sum = 0;
    double sumOfSquares = 0;
    for (int i = 0; i < SAMPLES; i++) {
      long x = sampler.applyAsLong(source);
      counts.merge(x, 1, Integer::sum);
      sum += x;
      sumOfSquares += (double) x * x;
    }
    double mean = sum / SAMPLES;
    return new Moments(mean, sumOfSquares / SAMPLES - mean * mean, counts);
  }

  private static DiscreteGaussian gaussian(long numerator, long denominator) {
    return DiscreteGaussian.builder().sigmaSquared(Rational.of(numerator, denominator)).build();
  }

  @Test
  void integerVariance_matchesMeanVarianceAndPmf() {
    DiscreteGaussian gaussian = gaussian(9, 1);
    Moments moments = sample(gaussian::sample, 101);

    assertEquals(0, moments.mean(), 6 * Math.sqrt(9.0 / SAMPLES));
    // For σ = 3 the discrete variance equals σ² to within 1e-70.
    assertEquals(9, moments.variance(), 0.02 * 9);
    long reach = 12;
    double chi = ChiSquare.statistic(moments.counts(), SAMPLES, reach, gaussian::probability);
    assertTrue(chi < ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
  }

  @Test
  void fractionalVariance_matchesPmf() {
    DiscreteGaussian gaussian = gaussian(7, 3);
    Moments moments = sample(gaussian::sample, 202);

    long reach = 6;
    double chi = ChiSquare.statistic(moments.counts(), SAMPLES, reach, gaussian::probability);
    assertTrue(chi < ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
  }

  @Test
  void samplesOfOneSigma_rejectedAgainstASigmaTenPercentOff() {
    DiscreteGaussian gaussian = gaussian(9, 1);
    DiscreteGaussian wrong = gaussian(1089, 100);
    Moments moments = sample(gaussian::sample, 303);

    long reach = 12;
    double chi = ChiSquare.statistic(moments.counts(), SAMPLES, reach, wrong::probability);
    assertTrue(chi > ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
  }

  @Test
  void laplaceProposalWithoutRejection_failsTheTest() {
    DiscreteGaussian gaussian = gaussian(9, 1);
    // Algorithm 3's proposal for σ = 3 is discrete Laplace of scale floor(σ) + 1 = 4.
    DiscreteLaplace proposal = DiscreteLaplace.builder().scale(Rational.of(4, 1)).build();
    Moments moments = sample(proposal::sample, 404);

    long reach = 12;
    double chi = ChiSquare.statistic(moments.counts(), SAMPLES, reach, gaussian::probability);
    assertTrue(chi > ChiSquare.criticalValue(2 * reach + 1), "chi-square " + chi);
  }

  @Test
  void largeVariance_tailMatchesTheTailProbability() {
    DiscreteGaussian gaussian = gaussian(1_000_000, 1);
    NoiseSource source = new SeededNoiseSource(505);
    long z = 2000;
    int above = 0;
    for (int i = 0; i < SAMPLES; i++) {
      above += gaussian.sample(source) >= z ? 1 : 0;
    }
    double expected = gaussian.atLeast(z) * SAMPLES;
    assertEquals(expected, above, 6 * Math.sqrt(expected));
  }
}
