package dev.cleanroom.querypolicy.noise;

import java.util.Map;
import java.util.function.LongToDoubleFunction;

/** Pearson's chi-square goodness of fit of integer samples against a pmf, for the noise tests. */
final class ChiSquare {

  /** Upper 1e-6 point of the standard normal: a correct sampler fails one run in a million. */
  private static final double Z_ONE_IN_A_MILLION = 4.753;

  private ChiSquare() {}

  /**
   * The statistic over the bins {@code [-reach, reach]} plus one bin for each tail, with {@code
   * counts} the observed frequency of each value and {@code n} the number of samples.
   */
  static double statistic(
      Map<Long, Integer> counts, long n, long reach, LongToDoubleFunction probability) {
    double statistic = 0;
    double inside = 0;
    long observedInside = 0;
    for (long x = -reach; x <= reach; x++) {
      double p = probability.applyAsDouble(x);
      inside += p;
      long observed = counts.getOrDefault(x, 0);
      observedInside += observed;
      statistic += square(observed - n * p) / (n * p);
    }
    double tail = Math.max(1 - inside, 1e-300);
    statistic += square((n - observedInside) - n * tail) / (n * tail);
    return statistic;
  }

  /** Wilson-Hilferty approximation of the chi-square quantile at one in a million. */
  static double criticalValue(long degreesOfFreedom) {
    double k = degreesOfFreedom;
    double term = 1 - 2 / (9 * k) + Z_ONE_IN_A_MILLION * Math.sqrt(2 / (9 * k));
    return k * term * term * term;
  }

  private static double square(double value) {
    return value * value;
  }
}
