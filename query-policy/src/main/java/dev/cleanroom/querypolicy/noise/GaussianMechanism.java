package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Releases one aggregate per group with discrete Gaussian noise on a data-independent grid, the
 * zCDP counterpart of {@link LaplaceMechanism}.
 *
 * <p>The exact value is rounded to the nearest multiple of the granularity {@code g} (1 for counts;
 * for real values the largest power of two at most {@code σ / 2^10}, with {@code σ} the noise's
 * standard deviation in output units, chosen from the bounds and ρ only), then {@code g · Z} is
 * added, with {@code Z} discrete Gaussian on the integers.
 *
 * <p>Privacy: a privacy unit changes at most {@code m = maxGroupsContributed} groups, each by at
 * most {@code c} (the rewrite clamps and limits it), so each grid index by at most {@code ceil(c /
 * g)} and the vector of all groups' indices by at most {@code Δ₂ = sqrt(m) · ceil(c / g)} in L2
 * norm. Noise with {@code σ² = Δ₂² / (2ρ)} (a rational, as {@code Δ₂²} is an integer) makes the
 * whole column exactly ρ-zCDP.
 */
public final class GaussianMechanism implements ValueMechanism {

  private static final BigDecimal HALF = new BigDecimal("0.5");

  /** Rounding error at most 1/1024 of the noise's standard deviation. */
  private static final int GRANULARITY_BITS_BELOW_SIGMA = 10;

  private final Rational rho;
  private final BigDecimal granularity;
  private final BigInteger gridSensitivitySquared;
  private final DiscreteGaussian noise;

  private GaussianMechanism(
      Rational rho,
      BigDecimal granularity,
      BigInteger gridSensitivitySquared,
      DiscreteGaussian noise) {
    this.rho = rho;
    this.granularity = granularity;
    this.gridSensitivitySquared = gridSensitivitySquared;
    this.noise = noise;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The name the privacy report shows. */
  @Override
  public String mechanismName() {
    return "discrete-gaussian";
  }

  /** The ρ of the column, exactly {@code Δ₂² / (2σ²)}. */
  public Rational rho() {
    return rho;
  }

  /** The grid every output lies on. */
  @Override
  public BigDecimal granularity() {
    return granularity;
  }

  /** The square of the L2 sensitivity in grid steps. */
  public BigInteger gridSensitivitySquared() {
    return gridSensitivitySquared;
  }

  /** The noise on grid indices. */
  public DiscreteGaussian noise() {
    return noise;
  }

  /** The noise's σ in output units: {@code g · σ}. */
  @Override
  public BigDecimal scale() {
    return BigDecimal.valueOf(noise.sigma())
        .multiply(granularity)
        .round(new MathContext(6, RoundingMode.HALF_EVEN))
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

  /** Builds a {@link GaussianMechanism}; {@link #build()} validates every parameter. */
  public static final class Builder {
    private BigDecimal maxContributionPerGroup;
    private int maxGroupsContributed;
    private long sensitivityMultiplier = 1;
    private Rational rho;
    private boolean integerValued;

    private Builder() {}

    /** The largest absolute change one unit can make to one group's exact value. */
    public Builder maxContributionPerGroup(BigDecimal maxContributionPerGroup) {
      this.maxContributionPerGroup = maxContributionPerGroup;
      return this;
    }

    /** The number of groups one unit can change; the L2 sensitivity grows with its square root. */
    public Builder maxGroupsContributed(int maxGroupsContributed) {
      this.maxGroupsContributed = maxGroupsContributed;
      return this;
    }

    /**
     * For a single value that one unit changes by up to {@code multiplier · c} (e.g. the number of
     * groups, which one unit changes by up to m): the L2 sensitivity is multiplied by it.
     */
    public Builder sensitivityMultiplier(long multiplier) {
      this.sensitivityMultiplier = multiplier;
      return this;
    }

    public Builder rho(Rational rho) {
      this.rho = rho;
      return this;
    }

    /** Counts: granularity 1, so the outputs are integers. */
    public Builder integerValued(boolean integerValued) {
      this.integerValued = integerValued;
      return this;
    }

    public GaussianMechanism build() {
      if (maxContributionPerGroup == null || maxContributionPerGroup.signum() <= 0) {
        throw invalid("maxContributionPerGroup must be > 0, was " + maxContributionPerGroup);
      }
      if (maxGroupsContributed < 1) {
        throw invalid("maxGroupsContributed must be >= 1, was " + maxGroupsContributed);
      }
      if (sensitivityMultiplier < 1) {
        throw invalid("sensitivityMultiplier must be >= 1, was " + sensitivityMultiplier);
      }
      if (rho == null || rho.isZero()) {
        throw invalid("rho must be > 0, was " + rho);
      }
      if (integerValued && maxContributionPerGroup.stripTrailingZeros().scale() > 0) {
        throw invalid(
            "maxContributionPerGroup of an integer-valued aggregate must be an integer, was "
                + maxContributionPerGroup);
      }
      Rational perGroup = Rational.of(maxContributionPerGroup);
      Rational groups = Rational.of(maxGroupsContributed, 1);
      Rational multiplierSquared =
          Rational.of(sensitivityMultiplier, 1).multiply(Rational.of(sensitivityMultiplier, 1));
      // σ² in output units, before the grid: m · M² · c² / (2ρ).
      Rational outputSigmaSquared =
          groups
              .multiply(multiplierSquared)
              .multiply(perGroup)
              .multiply(perGroup)
              .divide(Rational.of(2, 1).multiply(rho));
      int exponent =
          integerValued
              ? 0
              : Math.floorDiv(floorLog2(outputSigmaSquared), 2) - GRANULARITY_BITS_BELOW_SIGMA;
      Rational granularity =
          exponent >= 0
              ? new Rational(BigInteger.ONE.shiftLeft(exponent), BigInteger.ONE)
              : new Rational(BigInteger.ONE, BigInteger.ONE.shiftLeft(-exponent));
      BigInteger stepsPerGroup =
          perGroup.divide(granularity).ceil().multiply(BigInteger.valueOf(sensitivityMultiplier));
      BigInteger sensitivitySquared =
          stepsPerGroup.multiply(stepsPerGroup).multiply(BigInteger.valueOf(maxGroupsContributed));
      if (sensitivitySquared.bitLength() > 124) {
        throw invalid("sensitivity in grid steps is too large: " + sensitivitySquared);
      }
      Rational sigmaSquared =
          new Rational(sensitivitySquared, BigInteger.ONE).divide(Rational.of(2, 1).multiply(rho));
      if (sigmaSquared.compareTo(DiscreteGaussian.MAXIMUM_SIGMA_SQUARED) > 0) {
        throw invalid("rho " + rho + " is too small for sensitivity " + perGroup);
      }
      DiscreteGaussian noise = DiscreteGaussian.builder().sigmaSquared(sigmaSquared).build();
      BigDecimal granularityDecimal =
          exponent >= 0
              ? new BigDecimal(BigInteger.ONE.shiftLeft(exponent))
              : BigDecimal.valueOf(5).pow(-exponent).scaleByPowerOfTen(exponent);
      return new GaussianMechanism(rho, granularityDecimal, sensitivitySquared, noise);
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
