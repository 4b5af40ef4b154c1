package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigInteger;

/**
 * The discrete Gaussian distribution on the integers, {@code P(x) ∝ exp(-x² / (2σ²))}, sampled
 * exactly by Canonne, Kamath and Steinke's Algorithm 3 ("The Discrete Gaussian for Differential
 * Privacy", 2020): a discrete Laplace proposal of scale {@code t = floor(σ) + 1}, accepted with
 * probability {@code exp(-(|y| - σ²/t)² / (2σ²))}, a Bernoulli trial with a rational exponent. Only
 * uniform integers and comparisons are used, never a floating-point number.
 *
 * <p>Privacy: adding it to an integer-valued vector whose L2 sensitivity is {@code Δ₂} gives {@code
 * ρ}-zero-concentrated differential privacy with {@code ρ = Δ₂² / (2σ²)} (their Theorem 4). The
 * sample is drawn independently of the value it is added to.
 */
public final class DiscreteGaussian {

  /** Larger variances are never useful and would overflow the proposal's scale. */
  static final Rational MAXIMUM_SIGMA_SQUARED = Rational.of(1L << 60, 1);

  /** Sums for reports stop this many σ out (the rest is below 1e-300 of the total). */
  private static final int TAIL_SIGMAS = 40;

  /** Up to this σ the report's interval is summed term by term. */
  private static final double SUMMED_SIGMA = 1 << 22;

  private final Rational sigmaSquared;
  private final BigInteger t;
  private final DiscreteLaplace proposal;
  private final double sigma;

  private DiscreteGaussian(Rational sigmaSquared) {
    this.sigmaSquared = sigmaSquared;
    // floor(sqrt(n / d)) = floor(sqrt(floor(n / d))).
    this.t = sigmaSquared.floor().sqrt().add(BigInteger.ONE);
    this.proposal = DiscreteLaplace.builder().scale(new Rational(t, BigInteger.ONE)).build();
    this.sigma = Math.sqrt(sigmaSquared.doubleValue());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The variance parameter {@code σ²} (the variance of the discrete distribution is below it). */
  public Rational sigmaSquared() {
    return sigmaSquared;
  }

  /** {@code σ}, for reports. */
  public double sigma() {
    return sigma;
  }

  /** One sample. */
  public long sample(NoiseSource source) {
    requireNonNull(source, "source is null");
    BigInteger n = sigmaSquared.numerator();
    BigInteger d = sigmaSquared.denominator();
    // gamma = (|y| - σ²/t)² / (2σ²) = (|y| d t - n)² / (2 n d t²), exactly.
    BigInteger gammaDenominator = BigInteger.TWO.multiply(n).multiply(d).multiply(t.multiply(t));
    BigInteger dt = d.multiply(t);
    while (true) {
      long y = proposal.sample(source);
      BigInteger difference = BigInteger.valueOf(Math.abs(y)).multiply(dt).subtract(n);
      Rational gamma = new Rational(difference.multiply(difference), gammaDenominator);
      if (ExactBernoulli.bernoulliExpMinus(source, gamma)) {
        return y;
      }
    }
  }

  /** {@code P(X = x)}, for tests and reports (never on the sampling path). */
  public double probability(long x) {
    return Math.exp(-(double) x * x / (2 * sigma * sigma)) / normalizer();
  }

  /**
   * A lower bound on {@code Σ_x exp(-x² / (2σ²))}: for {@code σ >= 4} it is {@code σ sqrt(2π)}
   * (Poisson summation adds {@code 2 σ sqrt(2π) Σ_k exp(-2π²σ²k²)} > 0, below 1e-130 relative), for
   * smaller σ the sum itself.
   */
  private double normalizer() {
    if (sigma >= 4) {
      return sigma * Math.sqrt(2 * Math.PI);
    }
    double sum = 1;
    for (long x = 1; x <= TAIL_SIGMAS * 4; x++) {
      sum += 2 * Math.exp(-(double) x * x / (2 * sigma * sigma));
    }
    return sum;
  }

  /**
   * {@code P(X >= z)} for any z, summed term by term, for reports (never to choose a threshold).
   */
  public double atLeast(long z) {
    if (z <= 0) {
      return 1 - atLeast(1 - z);
    }
    double sum = 0;
    long last = z + (long) Math.ceil(TAIL_SIGMAS * sigma) + 1;
    for (long x = z; x <= last; x++) {
      double term = Math.exp(-(double) x * x / (2 * sigma * sigma));
      if (term == 0) {
        break;
      }
      sum += term;
    }
    return sum / normalizer();
  }

  /**
   * An upper bound on {@code P(X >= z)} for {@code z >= 1}, for choosing thresholds: the tail is at
   * most a geometric series (consecutive terms shrink by at least {@code exp(-(2z + 1) / (2σ²))}),
   * divided by a partial sum of the normalizer (a lower bound), with a margin for the rounding of
   * the few floating-point operations involved.
   */
  public double upperTail(long z) {
    if (z < 1) {
      throw new IllegalArgumentException("z must be >= 1, was " + z);
    }
    double twoSigmaSquared = 2 * sigma * sigma;
    double first = Math.exp(-(double) z * z / twoSigmaSquared);
    double tail = first / -Math.expm1(-(2.0 * z + 1) / twoSigmaSquared);
    return Math.min(1, tail / normalizer() * (1 + 1e-9));
  }

  /** The smallest {@code z >= 1} with {@link #upperTail(long) P(X >= z)} at most {@code p}. */
  public long upperTailQuantile(double probability) {
    if (!(probability > 0 && probability < 1)) {
      throw new IllegalArgumentException("probability must be in (0, 1), was " + probability);
    }
    // Gaussian tail: z ≈ σ sqrt(2 ln(1 / p)); start a little below and walk up.
    long z = Math.max(1, (long) (sigma * Math.sqrt(2 * Math.log(1 / probability))) - 2);
    while (z > 1 && upperTail(z - 1) <= probability) {
      z--;
    }
    while (upperTail(z) > probability) {
      z++;
    }
    return z;
  }

  /**
   * The smallest {@code z >= 0} with {@code P(|X| <= z) >= confidence}: summed term by term up to
   * {@code σ = 2^22}, beyond that from the tail bound (which can only widen it).
   */
  public long halfWidth(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
    }
    if (sigma > SUMMED_SIGMA) {
      // The smallest z with 2 P(X >= z + 1) <= 1 - confidence by the tail bound, found by
      // bisection (the bound falls with z); it can only widen the exact interval.
      double outside = 1 - confidence;
      long high = Math.max(1, (long) (sigma * Math.sqrt(2 * Math.log(2 / outside))) + 2);
      while (2 * upperTail(high + 1) > outside) {
        high *= 2;
      }
      long low = -1;
      while (high - low > 1) {
        long middle = low + (high - low) / 2;
        if (2 * upperTail(middle + 1) <= outside) {
          high = middle;
        } else {
          low = middle;
        }
      }
      return high;
    }
    double normalizer = normalizer();
    double inside = 1;
    long z = 0;
    while (inside / normalizer < confidence) {
      z++;
      inside += 2 * Math.exp(-(double) z * z / (2 * sigma * sigma));
    }
    return z;
  }

  /** Builds a {@link DiscreteGaussian}; {@link #build()} validates every parameter. */
  public static final class Builder {
    private Rational sigmaSquared;

    private Builder() {}

    /** The {@code σ²} of {@code P(x) ∝ exp(-x² / (2σ²))}. */
    public Builder sigmaSquared(Rational sigmaSquared) {
      this.sigmaSquared = sigmaSquared;
      return this;
    }

    public DiscreteGaussian build() {
      if (sigmaSquared == null) {
        throw new PolicyException(
            PolicyErrorCode.INVALID_PRIVACY_PARAMETER, "sigmaSquared is not set");
      }
      if (sigmaSquared.isZero() || sigmaSquared.compareTo(MAXIMUM_SIGMA_SQUARED) > 0) {
        throw new PolicyException(
            PolicyErrorCode.INVALID_PRIVACY_PARAMETER,
            "sigmaSquared must be in (0, " + MAXIMUM_SIGMA_SQUARED + "], was " + sigmaSquared);
      }
      return new DiscreteGaussian(sigmaSquared);
    }
  }
}
