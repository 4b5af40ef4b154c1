package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * The privacy parameters in force for one query: the strictest of the policies of every dataset the
 * query reads.
 *
 * @param epsilon the epsilon this query spends in total, split across its noised columns and the
 *     group-release decision
 * @param delta the delta of the group-release decision
 * @param minimumDistinctUnits no group with fewer exact distinct units is ever released (k, >= 2)
 * @param maxGroupsContributed at most this many groups per privacy unit (the rewrite enforces it)
 * @param releaseRemainder whether suppressed groups are released together as one remainder row
 * @param mechanism the noise the analyst asked for ({@code options.mechanism}, default auto)
 */
public record QueryPrivacyParameters(
    BigDecimal epsilon,
    double delta,
    int minimumDistinctUnits,
    int maxGroupsContributed,
    boolean releaseRemainder,
    MechanismPreference mechanism) {

  /** Parameters with the default mechanism choice ({@link MechanismPreference#AUTO}). */
  public QueryPrivacyParameters(
      BigDecimal epsilon,
      double delta,
      int minimumDistinctUnits,
      int maxGroupsContributed,
      boolean releaseRemainder) {
    this(
        epsilon,
        delta,
        minimumDistinctUnits,
        maxGroupsContributed,
        releaseRemainder,
        MechanismPreference.AUTO);
  }

  public QueryPrivacyParameters {
    requireNonNull(mechanism, "mechanism is null");
    requireNonNull(epsilon, "epsilon is null");
    if (epsilon.signum() <= 0) {
      throw new IllegalArgumentException("epsilon must be > 0, was " + epsilon);
    }
    if (!(delta > 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in (0, 1), was " + delta);
    }
    if (minimumDistinctUnits < 2) {
      throw new IllegalArgumentException(
          "minimumDistinctUnits must be >= 2, was " + minimumDistinctUnits);
    }
    if (maxGroupsContributed < 1) {
      throw new IllegalArgumentException(
          "maxGroupsContributed must be >= 1, was " + maxGroupsContributed);
    }
  }

  /** The same parameters with another epsilon (an approved template's epsilon per run). */
  public QueryPrivacyParameters withEpsilon(BigDecimal newEpsilon) {
    return new QueryPrivacyParameters(
        newEpsilon, delta, minimumDistinctUnits, maxGroupsContributed, releaseRemainder, mechanism);
  }

  /** The same parameters with another mechanism preference. */
  public QueryPrivacyParameters withMechanism(MechanismPreference preference) {
    return new QueryPrivacyParameters(
        epsilon, delta, minimumDistinctUnits, maxGroupsContributed, releaseRemainder, preference);
  }
}
