package dev.cleanroom.testkit.audit;

/**
 * Exact (Clopper-Pearson) one-sided confidence bounds for a binomial proportion, through the
 * regularized incomplete beta function: {@code P(X >= x | n, p) = I_p(x, n - x + 1)}.
 */
public final class ClopperPearson {

  private static final int BISECTION_STEPS = 80;
  private static final int MAX_FRACTION_TERMS = 100_000;
  private static final double FRACTION_EPSILON = 1e-15;
  private static final double TINY = 1e-300;

  private ClopperPearson() {}

  /** The smallest p that would make {@code successes} or more plausible at {@code confidence}. */
  public static double lower(long successes, long trials, double confidence) {
    check(successes, trials, confidence);
    if (successes == 0) {
      return 0;
    }
    double alpha = 1 - confidence;
    // P(X >= successes | p) grows with p: find where it reaches alpha.
    return bisect(p -> regularizedBeta(p, successes, trials - successes + 1) >= alpha);
  }

  /** The largest p that would make {@code successes} or fewer plausible at {@code confidence}. */
  public static double upper(long successes, long trials, double confidence) {
    check(successes, trials, confidence);
    if (successes == trials) {
      return 1;
    }
    double alpha = 1 - confidence;
    // P(X <= successes | p) = 1 - I_p(successes + 1, n - successes) falls with p.
    return bisect(p -> 1 - regularizedBeta(p, successes + 1, trials - successes) < alpha);
  }

  /** The smallest p in [0, 1] where the monotone predicate turns true. */
  private static double bisect(java.util.function.DoublePredicate reached) {
    double low = 0;
    double high = 1;
    for (int i = 0; i < BISECTION_STEPS; i++) {
      double middle = (low + high) / 2;
      if (reached.test(middle)) {
        high = middle;
      } else {
        low = middle;
      }
    }
    return high;
  }

  /** {@code I_x(a, b)}. */
  static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    double front =
        Math.exp(
            logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
    if (x < (a + 1) / (a + b + 2)) {
      return front * continuedFraction(x, a, b) / a;
    }
    return 1 - front * continuedFraction(1 - x, b, a) / b;
  }

  /** Lentz's evaluation of the incomplete beta continued fraction. */
  private static double continuedFraction(double x, double a, double b) {
    double c = 1;
    double d = 1 - (a + b) * x / (a + 1);
    d = 1 / nonZero(d);
    double result = d;
    for (int m = 1; m <= MAX_FRACTION_TERMS; m++) {
      int twoM = 2 * m;
      double even = m * (b - m) * x / ((a - 1 + twoM) * (a + twoM));
      d = 1 / nonZero(1 + even * d);
      c = nonZero(1 + even / c);
      result *= d * c;
      double odd = -(a + m) * (a + b + m) * x / ((a + twoM) * (a + 1 + twoM));
      d = 1 / nonZero(1 + odd * d);
      c = nonZero(1 + odd / c);
      double step = d * c;
      result *= step;
      if (Math.abs(step - 1) < FRACTION_EPSILON) {
        return result;
      }
    }
    throw new ArithmeticException("incomplete beta did not converge for a=" + a + ", b=" + b);
  }

  private static double nonZero(double value) {
    return Math.abs(value) < TINY ? TINY : value;
  }

  /** ln Γ(x) for x > 0, by the Lanczos approximation (g = 7, nine terms; about 15 digits). */
  static double logGamma(double x) {
    if (x < 0.5) {
      // Reflection: Γ(x) Γ(1 - x) = π / sin(π x).
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    double[] coefficients = {
      0.99999999999980993,
      676.5203681218851,
      -1259.1392167224028,
      771.32342877765313,
      -176.61502916214059,
      12.507343278686905,
      -0.13857109526572012,
      9.9843695780195716e-6,
      1.5056327351493116e-7
    };
    double z = x - 1;
    double sum = coefficients[0];
    for (int i = 1; i < coefficients.length; i++) {
      sum += coefficients[i] / (z + i);
    }
    double t = z + 7.5;
    return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
  }

  private static void check(long successes, long trials, double confidence) {
    if (trials < 1 || successes < 0 || successes > trials) {
      throw new IllegalArgumentException(
          "need 0 <= successes <= trials and trials >= 1, was " + successes + " of " + trials);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
    }
  }
}
