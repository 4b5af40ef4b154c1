package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigInteger;

/**
 * The discrete Gaussian distribution on the integers, {@code P(x) ∝ exp(-x² / (2σ²))}, sampled
 * exactly by Canonne, Kamath and Steinke's Algorithm 3 (rejection from a discrete Laplace with
 * exact Bernoulli trials; no floating point on the sampling path).
 *
 * <p>Privacy: added to an integer-valued query of L2 sensitivity {@code Δ₂} it gives ρ-zero
 * concentrated differential privacy with {@code ρ = Δ₂² / (2σ²)}, hence (ε, δ)-differential privacy
 * for every δ > 0 with {@code ε = ρ + 2 sqrt(ρ ln(1/δ))} ({@link #epsilonFor}). The clean room's
 * ledger counts pure ε, so the release layer uses {@link DiscreteLaplace}; this sampler serves
 * callers that account in zCDP.
 */
public final class DiscreteGaussian {

  private final Rational sigmaSquared;
  private final DiscreteLaplace proposal;
  private final BigInteger t;

  private DiscreteGaussian(Rational sigmaSquared) {
    this.sigmaSquared = sigmaSquared;
    // t = floor(σ) + 1, and floor(sqrt(x)) = floor(sqrt(floor(x))) for x >= 0.
    this.t = sigmaSquared.floor().sqrt().add(BigInteger.ONE);
    this.proposal = DiscreteLaplace.builder().scale(new Rational(t, BigInteger.ONE)).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Rational sigmaSquared() {
    return sigmaSquared;
  }

  /** One sample. */
  public long sample(NoiseSource source) {
    requireNonNull(source, "source is null");
    BigInteger a = sigmaSquared.numerator();
    BigInteger b = sigmaSquared.denominator();
    // Accept Y with probability exp(-(|Y| - σ²/t)² / (2σ²)) = exp(-(|Y| b t - a)² / (2 a b t²)).
    BigInteger acceptDenominator = BigInteger.TWO.multiply(a).multiply(b).multiply(t.multiply(t));
    while (true) {
      long y = proposal.sample(source);
      BigInteger difference = BigInteger.valueOf(Math.abs(y)).multiply(b).multiply(t).subtract(a);
      Rational gamma = new Rational(difference.multiply(difference), acceptDenominator);
      if (ExactBernoulli.bernoulliExpMinus(source, gamma)) {
        return y;
      }
    }
  }

  /** {@code P(X = x)}, normalised numerically; for tests and reports only. */
  public double probability(long x) {
    double variance = sigmaSquared.doubleValue();
    long reach = (long) Math.ceil(40 * Math.sqrt(variance)) + 40;
    double normaliser = 0;
    for (long i = -reach; i <= reach; i++) {
      normaliser += Math.exp(-(double) i * i / (2 * variance));
    }
    return Math.exp(-(double) x * x / (2 * variance)) / normaliser;
  }

  /**
   * The ε of (ε, δ)-differential privacy this distribution gives to a query of L2 sensitivity
   * {@code l2Sensitivity}, through its zCDP guarantee.
   */
  public double epsilonFor(double l2Sensitivity, double delta) {
    if (!(l2Sensitivity > 0)) {
      throw new IllegalArgumentException("l2Sensitivity must be > 0, was " + l2Sensitivity);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), was " + delta);
    }
    double rho = l2Sensitivity * l2Sensitivity / (2 * sigmaSquared.doubleValue());
    return rho + 2 * Math.sqrt(rho * Math.log(1 / delta));
  }

  /** Builds a {@link DiscreteGaussian}; {@link #build()} validates every parameter. */
  public static final class Builder {
    private Rational sigmaSquared;

    private Builder() {}

    public Builder sigmaSquared(Rational sigmaSquared) {
      this.sigmaSquared = sigmaSquared;
      return this;
    }

    public DiscreteGaussian build() {
      if (sigmaSquared == null) {
        throw new PolicyException(
            PolicyErrorCode.INVALID_PRIVACY_PARAMETER, "sigmaSquared is not set");
      }
      Rational maximum = DiscreteLaplace.MAXIMUM_SCALE.multiply(DiscreteLaplace.MAXIMUM_SCALE);
      if (sigmaSquared.isZero() || sigmaSquared.compareTo(maximum) > 0) {
        throw new PolicyException(
            PolicyErrorCode.INVALID_PRIVACY_PARAMETER,
            "sigmaSquared must be in (0, " + maximum + "], was " + sigmaSquared);
      }
      return new DiscreteGaussian(sigmaSquared);
    }
  }
}
