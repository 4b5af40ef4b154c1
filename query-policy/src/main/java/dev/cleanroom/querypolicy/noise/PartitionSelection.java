package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.util.OptionalLong;

/**
 * Decides which groups are released: a group with exact distinct-unit count {@code c} is released
 * only if {@code c >= k} (the policy's minimum) and {@code c + Z >= τ}, with {@code Z} discrete
 * Laplace of scale {@code m / ε} ({@code m} = groups one unit may contribute to), and the noisy
 * count {@code c + Z} is what the answer shows as the group's distinct units.
 *
 * <p>Privacy: adding or removing one unit changes the counts of at most {@code m} groups by 1, so
 * on groups that pass {@code c >= k} in both neighbouring datasets the noisy counts are
 * ε-differentially private. At most {@code m} groups can cross the exact minimum ({@code k - 1} in
 * one dataset, {@code k} in the other); each is released with probability {@code P(k + Z >= τ) <= δ
 * / m}, which is how {@code τ = k + z} is chosen. Together: (ε, δ)-differential privacy, whatever
 * the analyst uploads to place a group exactly at {@code k}.
 *
 * <p>A remainder row (all suppressed groups together) is decided the same way on {@code S}, the sum
 * of the suppressed groups' counts: one unit changes {@code S} by at most {@code m}, so {@code
 * ceil(S / m)} is a lower bound on its distinct units that must reach {@code k}, and {@code τ = m k
 * + z} with {@code P(Z >= z) <= δ} (one row can cross, not {@code m}).
 */
public final class PartitionSelection implements GroupSelection {

  private final Rational epsilon;
  private final double delta;
  private final int maxGroupsContributed;
  private final long minimumDistinctUnits;
  private final boolean remainderRow;
  private final long exactMinimum;
  private final DiscreteLaplace noise;
  private final long threshold;

  private PartitionSelection(
      Rational epsilon,
      double delta,
      int maxGroupsContributed,
      long minimumDistinctUnits,
      boolean remainderRow) {
    this.epsilon = epsilon;
    this.delta = delta;
    this.maxGroupsContributed = maxGroupsContributed;
    this.minimumDistinctUnits = minimumDistinctUnits;
    this.remainderRow = remainderRow;
    long changePerRow = remainderRow ? maxGroupsContributed : 1;
    int rowsThatCanCross = remainderRow ? 1 : maxGroupsContributed;
    this.exactMinimum =
        remainderRow
            ? Math.addExact(Math.multiplyExact(maxGroupsContributed, minimumDistinctUnits - 1), 1)
            : minimumDistinctUnits;
    this.noise =
        DiscreteLaplace.builder()
            .scale(Rational.of(maxGroupsContributed, 1).divide(epsilon))
            .build();
    // The largest exact value that can sit next to a failing neighbour is exactMinimum - 1 +
    // changePerRow; from there the noisy value may pass with probability at most δ / rows.
    this.threshold =
        Math.addExact(
            exactMinimum - 1 + changePerRow, noise.upperTailQuantile(delta / rowsThatCanCross));
  }

  public static Builder builder() {
    return new Builder();
  }

  public Rational epsilon() {
    return epsilon;
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

  /** Whether this decides a remainder row rather than groups. */
  public boolean remainderRow() {
    return remainderRow;
  }

  /** The exact value a row must reach before its noisy value is even considered. */
  public long exactMinimum() {
    return exactMinimum;
  }

  public DiscreteLaplace noise() {
    return noise;
  }

  /** The noisy count a group must reach, {@code τ}. */
  @Override
  public long threshold() {
    return threshold;
  }

  @Override
  public String mechanismName() {
    return "discrete-laplace";
  }

  /** {@code P(c >= exactMinimum and c + Z >= τ)}, for reports. */
  @Override
  public double releaseProbability(long exactCount) {
    if (exactCount < exactMinimum) {
      return 0;
    }
    long needed = threshold - exactCount;
    // P(Z >= z) for z <= 0 is 1 - P(Z <= z - 1) = 1 - P(Z >= 1 - z), by symmetry.
    return needed >= 1 ? noise.upperTail(needed) : 1 - noise.upperTail(1 - needed);
  }

  /**
   * The row's noisy count if it is released, empty otherwise. The noise is drawn in every case, so
   * the work done does not depend on whether the exact check passes.
   *
   * @param exactCount a group's exact distinct units, or for a remainder row the sum of the
   *     suppressed groups' distinct units
   */
  @Override
  public OptionalLong select(long exactCount, NoiseSource source) {
    requireNonNull(source, "source is null");
    long noisy = exactCount + noise.sample(source);
    boolean released = exactCount >= exactMinimum & noisy >= threshold;
    return released ? OptionalLong.of(noisy) : OptionalLong.empty();
  }

  /** Builds a {@link PartitionSelection}; {@link #build()} validates every parameter. */
  public static final class Builder {
    private Rational epsilon;
    private double delta = Double.NaN;
    private int maxGroupsContributed;
    private long minimumDistinctUnits;
    private boolean remainderRow;

    private Builder() {}

    /** Decide a remainder row instead of groups (see the class comment). */
    public Builder remainderRow(boolean remainderRow) {
      this.remainderRow = remainderRow;
      return this;
    }

    public Builder epsilon(Rational epsilon) {
      this.epsilon = epsilon;
      return this;
    }

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

    public PartitionSelection build() {
      if (epsilon == null || epsilon.isZero()) {
        throw invalid("epsilon must be > 0, was " + epsilon);
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
      return new PartitionSelection(
          epsilon, delta, maxGroupsContributed, minimumDistinctUnits, remainderRow);
    }

    private static PolicyException invalid(String message) {
      return new PolicyException(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, message);
    }
  }
}
