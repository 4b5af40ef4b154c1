package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Releases one aggregate per group with discrete Laplace noise on a data-independent grid.
 *
 * <p>The exact value is rounded to the nearest multiple of the granularity {@code g} (1 for counts;
 * for real values the largest power of two at most {@code Δ / (ε · 2^10)}, chosen from the bounds
 * and ε only), then {@code g · Z} is added, with {@code Z} discrete Laplace on the integers. Every
 * possible output is a multiple of {@code g}, whatever the data.
 *
 * <p>Privacy: a privacy unit changes at most {@code maxGroupsContributed} groups, each by at most
 * {@code c = maxContributionPerGroup} (the rewrite clamps and limits it). Rounding {@code x} to
 * {@code round(x / g)} changes by at most {@code ceil(c / g)} when {@code x} changes by at most
 * {@code c}, so the grid indices of all groups together have L1 sensitivity {@code Δg =
 * maxGroupsContributed · ceil(c / g)}. Noise of scale {@code Δg / ε} on the indices makes the whole
 * column ε-differentially private (also for a remainder row, whose value is a sum over groups the
 * unit can reach at most {@code maxGroupsContributed} times in total).
 */
public final class LaplaceMechanism implements ValueMechanism {

  private static final BigDecimal HALF = new BigDecimal("0.5");

  /** Rounding error at most 1/2048 of the noise scale: negligible against the noise itself. */
  private static final int GRANULARITY_BITS_BELOW_SCALE = 10;

  private final Rational epsilon;
  private final BigDecimal granularity;
  private final long gridSensitivity;
  private final DiscreteLaplace noise;

  private LaplaceMechanism(
      Rational epsilon, BigDecimal granularity, long gridSensitivity, DiscreteLaplace noise) {
    this.epsilon = epsilon;
    this.granularity = granularity;
    this.gridSensitivity = gridSensitivity;
    this.noise = noise;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The name the privacy report shows. */
  @Override
  public String mechanismName() {
    return "discrete-laplace";
  }

  public Rational epsilon() {
    return epsilon;
  }

  /** The grid every output lies on. */
  @Override
  public BigDecimal granularity() {
    return granularity;
  }

  /** L1 sensitivity in grid steps. */
  public long gridSensitivity() {
    return gridSensitivity;
  }

  /** The noise on grid indices. */
  public DiscreteLaplace noise() {
    return noise;
  }

  /** The Laplace scale in output units: {@code g · Δg / ε}. */
  @Override
  public BigDecimal scale() {
    return noise
        .scale()
        .toBigDecimal(MathContext.DECIMAL64)
        .multiply(granularity)
        .stripTrailingZeros();
  }

  /** Half-width of the interval that holds the noise with probability {@code confidence}. */
  @Override
  public BigDecimal halfWidth(double confidence) {
    return granularity.multiply(BigDecimal.valueOf(noise.halfWidth(confidence)));
  }

  /** The exact value rounded to the grid, in grid steps (ties towards +∞). */
  public BigInteger toGrid(BigDecimal exact) {
    // floor(x / g + 1/2): a shift of x by c moves the index by at most ceil(c / g), also across
    // zero (rounding ties away from zero would move it by one more step there).
    return exact.divide(granularity).add(HALF).setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
  }

  /** The exact value rounded to the grid plus noise, as a multiple of the granularity. */
  @Override
  public BigDecimal release(BigDecimal exact, NoiseSource source) {
    requireNonNull(exact, "exact is null");
    BigInteger noisy = toGrid(exact).add(BigInteger.valueOf(noise.sample(source)));
    return granularity.multiply(new BigDecimal(noisy));
  }

  /** Builds a {@link LaplaceMechanism}; {@link #build()} validates every parameter. */
  public static final class Builder {
    private BigDecimal maxContributionPerGroup;
    private int maxGroupsContributed;
    private Rational epsilon;
    private boolean integerValued;

    private Builder() {}

    /** The largest absolute change one unit can make to one group's exact value. */
    public Builder maxContributionPerGroup(BigDecimal maxContributionPerGroup) {
      this.maxContributionPerGroup = maxContributionPerGroup;
      return this;
    }

    public Builder maxGroupsContributed(int maxGroupsContributed) {
      this.maxGroupsContributed = maxGroupsContributed;
      return this;
    }

    public Builder epsilon(Rational epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    /** Counts: granularity 1, so the outputs are integers. */
    public Builder integerValued(boolean integerValued) {
      this.integerValued = integerValued;
      return this;
    }

    public LaplaceMechanism build() {
      if (maxContributionPerGroup == null || maxContributionPerGroup.signum() <= 0) {
        throw invalid("maxContributionPerGroup must be > 0, was " + maxContributionPerGroup);
      }
      if (maxGroupsContributed < 1) {
        throw invalid("maxGroupsContributed must be >= 1, was " + maxGroupsContributed);
      }
      if (epsilon == null || epsilon.isZero()) {
        throw invalid("epsilon must be > 0, was " + epsilon);
      }
      if (integerValued && maxContributionPerGroup.stripTrailingZeros().scale() > 0) {
        throw invalid(
            "maxContributionPerGroup of an integer-valued aggregate must be an integer, was "
                + maxContributionPerGroup);
      }
      Rational perGroup = Rational.of(maxContributionPerGroup);
      Rational sensitivity = perGroup.multiply(Rational.of(maxGroupsContributed, 1));
      int exponent =
          integerValued ? 0 : floorLog2(sensitivity.divide(epsilon)) - GRANULARITY_BITS_BELOW_SCALE;
      Rational granularity =
          exponent >= 0
              ? new Rational(BigInteger.ONE.shiftLeft(exponent), BigInteger.ONE)
              : new Rational(BigInteger.ONE, BigInteger.ONE.shiftLeft(-exponent));
      BigInteger stepsPerGroup = perGroup.divide(granularity).ceil();
      BigInteger gridSensitivity = stepsPerGroup.multiply(BigInteger.valueOf(maxGroupsContributed));
      if (gridSensitivity.bitLength() > 62) {
        throw invalid("sensitivity in grid steps is too large: " + gridSensitivity);
      }
      Rational scale = new Rational(gridSensitivity, BigInteger.ONE).divide(epsilon);
      if (scale.compareTo(DiscreteLaplace.MAXIMUM_SCALE) > 0) {
        throw invalid("epsilon " + epsilon + " is too small for sensitivity " + sensitivity);
      }
      DiscreteLaplace noise = DiscreteLaplace.builder().scale(scale).build();
      BigDecimal granularityDecimal =
          exponent >= 0
              ? new BigDecimal(BigInteger.ONE.shiftLeft(exponent))
              : BigDecimal.valueOf(5).pow(-exponent).scaleByPowerOfTen(exponent);
      return new LaplaceMechanism(
          epsilon, granularityDecimal, gridSensitivity.longValueExact(), noise);
    }

    private static int floorLog2(Rational value) {
      int exponent = value.numerator().bitLength() - value.denominator().bitLength();
      Rational power =
          exponent >= 0
              ? new Rational(BigInteger.ONE.shiftLeft(exponent), BigInteger.ONE)
              : new Rational(BigInteger.ONE, BigInteger.ONE.shiftLeft(-exponent));
      return value.compareTo(power) < 0 ? exponent - 1 : exponent;
    }

    private static PolicyException invalid(String message) {
      return new PolicyException(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, message);
    }
  }
}
