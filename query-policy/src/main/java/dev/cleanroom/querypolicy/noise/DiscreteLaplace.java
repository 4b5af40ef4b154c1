package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigInteger;

/**
 * The discrete Laplace (two-sided geometric) distribution on the integers, {@code P(x) ∝ exp(-|x| /
 * scale)}, sampled exactly by Canonne, Kamath and Steinke's Algorithm 2: uniform integers and exact
 * Bernoulli trials only, so no floating-point rounding can make the output reveal the value it is
 * added to (Mironov 2012).
 *
 * <p>Privacy: adding it to an integer-valued query whose L1 sensitivity is {@code Δ} gives
 * ε-differential privacy with {@code ε = Δ / scale}. The sample is drawn independently of the value
 * it is added to, so its running time cannot depend on that value.
 */
public final class DiscreteLaplace {

  /** Larger scales are never useful and would overflow the {@code long} result. */
  static final Rational MAXIMUM_SCALE = Rational.of(1L << 52, 1);

  private final Rational scale;
  private final BigInteger t;
  private final BigInteger s;
  private final double q;

  private DiscreteLaplace(Rational scale) {
    this.scale = scale;
    this.t = scale.numerator();
    this.s = scale.denominator();
    this.q = Math.exp(-1.0 / scale.doubleValue());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The scale {@code b} of {@code P(x) ∝ exp(-|x| / b)}. */
  public Rational scale() {
    return scale;
  }

  /** One sample. */
  public long sample(NoiseSource source) {
    requireNonNull(source, "source is null");
    while (true) {
      BigInteger u = source.uniformBelow(t);
      if (!ExactBernoulli.bernoulliExpMinusAtMostOne(source, u, t)) {
        continue;
      }
      long v = 0;
      while (ExactBernoulli.bernoulliExpMinusAtMostOne(source, BigInteger.ONE, BigInteger.ONE)) {
        v++;
      }
      BigInteger x = u.add(t.multiply(BigInteger.valueOf(v)));
      long y = x.divide(s).longValueExact();
      boolean negative = (source.nextLong() & 1L) == 1L;
      if (negative && y == 0) {
        continue;
      }
      return negative ? -y : y;
    }
  }

  /** {@code P(X = x)}, for tests and reports (never on the sampling path). */
  public double probability(long x) {
    return (1 - q) / (1 + q) * Math.pow(q, Math.abs((double) x));
  }

  /** {@code P(X >= z)} for {@code z >= 1}. */
  public double upperTail(long z) {
    if (z < 1) {
      throw new IllegalArgumentException("z must be >= 1, was " + z);
    }
    return Math.pow(q, z) / (1 + q);
  }

  /** The smallest {@code z >= 1} with {@code P(X >= z) <= probability}. */
  public long upperTailQuantile(double probability) {
    if (!(probability > 0 && probability < 1)) {
      throw new IllegalArgumentException("probability must be in (0, 1), was " + probability);
    }
    // q^z / (1 + q) <= p  <=>  z >= ln(p (1 + q)) / ln(q); the loop guards the double rounding.
    long z = Math.max(1, (long) Math.ceil(Math.log(probability * (1 + q)) / Math.log(q)) - 1);
    while (upperTail(z) > probability) {
      z++;
    }
    return z;
  }

  /** The smallest {@code z >= 0} with {@code P(|X| <= z) >= confidence}. */
  public long halfWidth(double confidence) {
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
    }
    // P(|X| > z) = 2 q^(z+1) / (1 + q).
    double outside = 1 - confidence;
    long z = Math.max(0, (long) Math.ceil(Math.log(outside * (1 + q) / 2) / Math.log(q)) - 2);
    while (2 * Math.pow(q, z + 1) / (1 + q) > outside) {
      z++;
    }
    return z;
  }

  /** Builds a {@link DiscreteLaplace}; {@link #build()} validates every parameter. */
  public static final class Builder {
    private Rational scale;

    private Builder() {}

    public Builder scale(Rational scale) {
      this.scale = scale;
      return this;
    }

    public DiscreteLaplace build() {
      if (scale == null) {
        throw new PolicyException(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, "scale is not set");
      }
      if (scale.isZero() || scale.compareTo(MAXIMUM_SCALE) > 0) {
        throw new PolicyException(
            PolicyErrorCode.INVALID_PRIVACY_PARAMETER,
            "scale must be in (0, " + MAXIMUM_SCALE + "], was " + scale);
      }
      return new DiscreteLaplace(scale);
    }
  }
}
