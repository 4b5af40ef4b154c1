package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.util.OptionalLong;

/**
 * Decides which groups are released with discrete Gaussian noise, the zCDP counterpart of {@link
 * PartitionSelection}: a group with exact distinct-unit count {@code c} is released only if {@code
 * c >= k} and {@code c + Z >= τ}, with {@code Z} discrete Gaussian of {@code σ² = m / (2ρ)}, and
 * {@code c + Z} is the group's released distinct-unit count.
 *
 * <p>Privacy: one unit changes the counts of at most {@code m} groups by 1, an L2 change of {@code
 * sqrt(m)}, so on groups that pass {@code c >= k} in both neighbouring datasets the noisy counts
 * are ρ-zCDP. At most {@code m} groups can cross the exact minimum; each is released with
 * probability {@code P(k + Z >= τ) <= δ / m} (the tail bounded from above, {@link
 * DiscreteGaussian#upperTail}), which is how {@code τ = k + z} is chosen. Together with the rest of
 * the query the answer is ρ-zCDP except on an event of probability at most δ: converted, (ε,
 * δ_conversion + δ)-DP.
 */
public final class GaussianThresholding implements GroupSelection {

  private final Rational rho;
  private final double delta;
  private final int maxGroupsContributed;
  private final long minimumDistinctUnits;
  private final DiscreteGaussian noise;
  private final long threshold;

  private GaussianThresholding(
      Rational rho, double delta, int maxGroupsContributed, long minimumDistinctUnits) {
    this.rho = rho;
    this.delta = delta;
    this.maxGroupsContributed = maxGroupsContributed;
    this.minimumDistinctUnits = minimumDistinctUnits;
    this.noise =
        DiscreteGaussian.builder()
            .sigmaSquared(
                Rational.of(maxGroupsContributed, 1).divide(Rational.of(2, 1).multiply(rho)))
            .build();
    this.threshold =
        Math.addExact(minimumDistinctUnits, noise.upperTailQuantile(delta / maxGroupsContributed));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Rational rho() {
    return rho;
  }

  public double delta() {
    return delta;
  }

  public int maxGroupsContributed() {
    return maxGroupsContributed;
  }

  public long minimumDistinctUnits() {
    return minimumDistinctUnits;
  }

  public DiscreteGaussian noise() {
    return noise;
  }

  /** The noisy count a group must reach, {@code τ}. */
  @Override
  public long threshold() {
    return threshold;
  }

  @Override
  public String mechanismName() {
    return "discrete-gaussian";
  }

  /** {@code P(c + Z >= τ)} for a group of {@code c >= k} units (0 below k), for reports. */
  @Override
  public double releaseProbability(long exactCount) {
    if (exactCount < minimumDistinctUnits) {
      return 0;
    }
    return noise.atLeast(threshold - exactCount);
  }

  /**
   * The group's noisy count if it is released, empty otherwise. The noise is drawn in every case,
   * so the work done does not depend on whether the exact check passes.
   */
  @Override
  public OptionalLong select(long exactCount, NoiseSource source) {
    requireNonNull(source, "source is null");
    long noisy = exactCount + noise.sample(source);
    boolean released = exactCount >= minimumDistinctUnits & noisy >= threshold;
    return released ? OptionalLong.of(noisy) : OptionalLong.empty();
  }

  /** Builds a {@link GaussianThresholding}; {@link #build()} validates every parameter. */
  public static final class Builder {
    private Rational rho;
    private double delta = Double.NaN;
    private int maxGroupsContributed;
    private long minimumDistinctUnits;

    private Builder() {}

    public Builder rho(Rational rho) {
      this.rho = rho;
      return this;
    }

    /** The δ of the threshold alone (not of the zCDP conversion). */
    public Builder delta(double delta) {
      this.delta = delta;
      return this;
    }

    public Builder maxGroupsContributed(int maxGroupsContributed) {
      this.maxGroupsContributed = maxGroupsContributed;
      return this;
    }

    /** The exact minimum {@code k} of distinct units. */
    public Builder minimumDistinctUnits(long minimumDistinctUnits) {
      this.minimumDistinctUnits = minimumDistinctUnits;
      return this;
    }

    public GaussianThresholding build() {
      if (rho == null || rho.isZero()) {
        throw invalid("rho must be > 0, was " + rho);
      }
      if (!(delta > 0 && delta < 1)) {
        throw invalid("delta must be in (0, 1), was " + delta);
      }
      if (maxGroupsContributed < 1) {
        throw invalid("maxGroupsContributed must be >= 1, was " + maxGroupsContributed);
      }
      if (minimumDistinctUnits < 2) {
        throw invalid("minimumDistinctUnits must be >= 2, was " + minimumDistinctUnits);
      }
      return new GaussianThresholding(rho, delta, maxGroupsContributed, minimumDistinctUnits);
    }

    private static PolicyException invalid(String message) {
      return new PolicyException(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, message);
    }
  }
}
