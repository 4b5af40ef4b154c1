package dev.cleanroom.querypolicy.noise;

import java.math.BigInteger;

/**
 * Bernoulli trials with exact rational probabilities, after Canonne, Kamath and Steinke, "The
 * Discrete Gaussian for Differential Privacy" (2020): only uniform integers and comparisons, no
 * floating point.
 */
final class ExactBernoulli {

  private ExactBernoulli() {}

  /** True with probability {@code numerator / denominator}, which must be in [0, 1]. */
  static boolean bernoulli(NoiseSource source, BigInteger numerator, BigInteger denominator) {
    return source.uniformBelow(denominator).compareTo(numerator) < 0;
  }

  /** True with probability {@code exp(-gamma)}, for any rational {@code gamma >= 0}. */
  static boolean bernoulliExpMinus(NoiseSource source, Rational gamma) {
    BigInteger whole = gamma.floor();
    // exp(-gamma) = exp(-1)^floor(gamma) * exp(-(gamma - floor(gamma))): one trial per factor.
    for (BigInteger i = BigInteger.ZERO; i.compareTo(whole) < 0; i = i.add(BigInteger.ONE)) {
      if (!bernoulliExpMinusAtMostOne(source, BigInteger.ONE, BigInteger.ONE)) {
        return false;
      }
    }
    BigInteger fractionNumerator = gamma.numerator().subtract(whole.multiply(gamma.denominator()));
    return bernoulliExpMinusAtMostOne(source, fractionNumerator, gamma.denominator());
  }

  /**
   * True with probability {@code exp(-n/d)} for {@code 0 <= n/d <= 1}: draw A_k ~ Bernoulli(n/(d
   * k)) for k = 1, 2, ... until one fails; the index of that failure is odd with probability
   * exp(-n/d).
   */
  static boolean bernoulliExpMinusAtMostOne(NoiseSource source, BigInteger n, BigInteger d) {
    long k = 1;
    while (bernoulli(source, n, d.multiply(BigInteger.valueOf(k)))) {
      k++;
    }
    return (k & 1) == 1;
  }
}
