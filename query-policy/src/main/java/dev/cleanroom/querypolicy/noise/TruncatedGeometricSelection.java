package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;

/**
 * The optimal partition selection when each unit is in at most one group (Desfontaines, Voss,
 * Gipson and Mandayam, "Differentially private partition selection", PoPETs 2022): a group of
 * {@code n} distinct units is released with probability {@code π(n)}, where {@code π(n) = 0} for
 * {@code n < k} (the policy's exact minimum) and above it
 *
 * <pre>π(n) = min(e^ε π(n-1) + δ, 1 + e^-ε (π(n-1) + δ - 1), 1).</pre>
 *
 * It decides release only; a released count of units needs its own noise and ε.
 *
 * <p>Privacy: adding or removing one unit changes one group's count by 1, and the recursion makes
 * every pair of neighbouring counts satisfy {@code π(n+1) <= e^ε π(n) + δ} and {@code 1 - π(n) <=
 * e^ε (1 - π(n+1)) + δ} ({@code π} never decreases, so the other two directions hold too); at
 * {@code n = k} the first is {@code π(k) <= δ} against {@code π(k-1) = 0}. Exactness: the recursion
 * runs in exact rationals with a lower bound {@code E <= e^ε} in place of {@code e^ε} (both
 * constraints only tighten: the second term's bracket is never positive where it matters), and each
 * {@code π(n)} is rounded down to a multiple of {@code 2^-62}, which keeps both constraints between
 * the stored values. The release is then an exact Bernoulli trial: a uniform integer below {@code
 * 2^62} compared with {@code 2^62 π(n)}.
 */
public final class TruncatedGeometricSelection {

  private static final int BITS = 62;
  private static final BigInteger ONE_FIXED = BigInteger.ONE.shiftLeft(BITS);

  /** The recursion reaches 1 after about {@code 2 ln(1/δ) / ε} steps; more is an error. */
  private static final int MAXIMUM_STEPS = 10_000_000;

  private final Rational epsilon;
  private final double delta;
  private final long minimumDistinctUnits;

  /** {@code 2^62 π(k + i)}; beyond the last entry π is 1. */
  private final long[] probabilities;

  private TruncatedGeometricSelection(Rational epsilon, double delta, long minimumDistinctUnits) {
    this.epsilon = epsilon;
    this.delta = delta;
    this.minimumDistinctUnits = minimumDistinctUnits;
    this.probabilities = recursion(epsilon, Rational.of(new BigDecimal(delta)));
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

  public long minimumDistinctUnits() {
    return minimumDistinctUnits;
  }

  /** {@code π(n)} as used by the sampler, a multiple of {@code 2^-62}. */
  public Rational releaseProbability(long exactCount) {
    return new Rational(BigInteger.valueOf(fixed(exactCount)), ONE_FIXED);
  }

  /** The smallest count released with probability at least {@code probability}. */
  public long smallestCountReleasedWith(double probability) {
    if (!(probability > 0 && probability <= 1)) {
      throw new IllegalArgumentException("probability must be in (0, 1], was " + probability);
    }
    for (int i = 0; i < probabilities.length; i++) {
      if (probabilities[i] / (double) ONE_FIXED.longValueExact() >= probability) {
        return minimumDistinctUnits + i;
      }
    }
    return minimumDistinctUnits + probabilities.length;
  }

  /** Whether a group of this many distinct units is released; one exact Bernoulli trial. */
  public boolean select(long exactCount, NoiseSource source) {
    requireNonNull(source, "source is null");
    // The trial is drawn in every case, so the work does not depend on the count.
    long uniform = source.uniformBelow(ONE_FIXED.longValueExact());
    return uniform < fixed(exactCount);
  }

  private long fixed(long exactCount) {
    if (exactCount < minimumDistinctUnits) {
      return 0;
    }
    long index = exactCount - minimumDistinctUnits;
    return index < probabilities.length ? probabilities[(int) index] : ONE_FIXED.longValueExact();
  }

  private static long[] recursion(Rational epsilon, Rational delta) {
    Rational e = expLowerBound(epsilon);
    Rational scale = new Rational(ONE_FIXED, BigInteger.ONE);
    List<Long> values = new ArrayList<>();
    Rational previous = Rational.ZERO;
    while (true) {
      Rational next = e.multiply(previous).add(delta);
      Rational complement = previous.add(delta);
      if (complement.compareTo(Rational.ONE) < 0) {
        // 1 + (π + δ - 1) / E = 1 - (1 - π - δ) / E
        Rational second = Rational.ONE.subtract(Rational.ONE.subtract(complement).divide(e));
        next = next.compareTo(second) < 0 ? next : second;
      }
      if (next.compareTo(Rational.ONE) >= 0) {
        break;
      }
      long stored = next.multiply(scale).floor().longValueExact();
      values.add(stored);
      previous = new Rational(BigInteger.valueOf(stored), ONE_FIXED);
      if (values.size() > MAXIMUM_STEPS) {
        throw new PolicyException(
            PolicyErrorCode.INVALID_PRIVACY_PARAMETER,
            "epsilon " + epsilon + " and delta " + delta + " need too many release steps");
      }
    }
    return values.stream().mapToLong(Long::longValue).toArray();
  }

  /**
   * A rational lower bound on {@code e^ε}: the Taylor series has only positive terms, so a partial
   * sum is below it; rounded down to {@code 2^-62}.
   */
  static Rational expLowerBound(Rational epsilon) {
    Rational sum = Rational.ONE;
    Rational term = Rational.ONE;
    for (int i = 1; i <= 200; i++) {
      term = term.multiply(epsilon).divide(Rational.of(i, 1));
      sum = sum.add(term);
      if (term.compareTo(new Rational(BigInteger.ONE, ONE_FIXED.shiftLeft(8))) < 0) {
        break;
      }
    }
    BigInteger fixed = sum.multiply(new Rational(ONE_FIXED, BigInteger.ONE)).floor();
    return new Rational(fixed, ONE_FIXED);
  }

  /** Builds a {@link TruncatedGeometricSelection}; {@link #build()} validates every parameter. */
  public static final class Builder {
    private Rational epsilon;
    private double delta = Double.NaN;
    private long minimumDistinctUnits;

    private Builder() {}

    public Builder epsilon(Rational epsilon) {
      this.epsilon = epsilon;
      return this;
    }

    public Builder delta(double delta) {
      this.delta = delta;
      return this;
    }

    /** The exact minimum {@code k} of distinct units. */
    public Builder minimumDistinctUnits(long minimumDistinctUnits) {
      this.minimumDistinctUnits = minimumDistinctUnits;
      return this;
    }

    public TruncatedGeometricSelection build() {
      if (epsilon == null || epsilon.isZero()) {
        throw invalid("epsilon must be > 0, was " + epsilon);
      }
      if (epsilon.compareTo(Rational.of(50, 1)) > 0) {
        throw invalid("epsilon must be at most 50, was " + epsilon);
      }
      if (!(delta > 0 && delta < 1)) {
        throw invalid("delta must be in (0, 1), was " + delta);
      }
      if (minimumDistinctUnits < 2) {
        throw invalid("minimumDistinctUnits must be >= 2, was " + minimumDistinctUnits);
      }
      return new TruncatedGeometricSelection(epsilon, delta, minimumDistinctUnits);
    }

    private static PolicyException invalid(String message) {
      return new PolicyException(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, message);
    }
  }
}
