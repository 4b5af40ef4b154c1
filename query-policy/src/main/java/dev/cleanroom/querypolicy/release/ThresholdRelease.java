package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.noise.PartitionSelection;
import dev.cleanroom.querypolicy.release.DerivedExpression.Interval;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * The group-release rule ({@code c >= k} and {@code c + Z >= τ}, {@link PartitionSelection}) as a
 * probability model, for accuracy reporting: how likely a group of {@code c} people is shown, and
 * the confidence set for a group's exact number of people {@code c} given its released noisy count
 * {@code y = c + Z} <em>and that it was released</em>. A group near the threshold is released only
 * when its noise came out high, so {@code y ± h} leans upward there; this set does not.
 *
 * <p>Method (inverting a test of the conditional distribution of {@code Y = c + Z} given {@code Y
 * >= τ}, {@code Z} discrete Laplace with {@code P(Z >= t) = q^t / (1 + q)} for {@code t >= 1}): an
 * exact count {@code c >= k} is kept when {@code P_c(Y >= y | Y >= τ) > α/2} and, for {@code c >
 * τ}, also {@code P_c(Y <= y | Y >= τ) > α/2}. For {@code c <= τ} the conditional distribution is
 * the same for every {@code c} (a geometric distribution starting at {@code τ}: the discrete
 * Laplace tail is memoryless), so a low {@code y} cannot tell those counts apart and only the upper
 * tail is tested. So for every {@code c}, the set holds {@code c} with probability at least {@code
 * 1 - α} among the releases of a group of {@code c} people. Both tests are monotone in {@code c}
 * (the shifted discrete Laplace has a monotone likelihood ratio, which conditioning on {@code Y >=
 * τ} keeps), so the set is an interval, found by bisection. Far above the threshold it is {@code y
 * ± h}, the unconditioned interval.
 *
 * <p>This is accuracy reporting, computed from released values and public parameters only
 * (post-processing): the tails are evaluated in double precision from their closed form, in
 * logarithms so that far tails do not underflow.
 */
public final class ThresholdRelease {

  private final double logQ;
  private final double logOnePlusQ;
  private final long exactMinimum;
  private final long threshold;
  private final double tail;

  private ThresholdRelease(double scale, long exactMinimum, long threshold, double confidence) {
    this.logQ = -1.0 / scale;
    this.logOnePlusQ = Math.log1p(Math.exp(logQ));
    this.exactMinimum = exactMinimum;
    this.threshold = threshold;
    this.tail = (1 - confidence) / 2;
  }

  /**
   * The set for groups released by {@code selection} (its discrete Laplace noise and {@code τ}).
   */
  public static ThresholdRelease of(PartitionSelection selection, double confidence) {
    requireNonNull(selection, "selection is null");
    return forDiscreteLaplace(
        selection.noise().scale().doubleValue(),
        selection.exactMinimum(),
        selection.threshold(),
        confidence);
  }

  /**
   * The set for a count released when it is at least {@code exactMinimum} and its value plus
   * discrete Laplace noise of {@code scale} reaches {@code threshold}.
   */
  public static ThresholdRelease forDiscreteLaplace(
      double scale, long exactMinimum, long threshold, double confidence) {
    if (!(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("scale must be > 0, was " + scale);
    }
    if (exactMinimum > threshold) {
      throw new IllegalArgumentException(
          "exactMinimum " + exactMinimum + " is above the threshold " + threshold);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
    }
    return new ThresholdRelease(scale, exactMinimum, threshold, confidence);
  }

  /**
   * The exact counts compatible with a release showing {@code released}, or empty when {@code
   * released} is below the threshold (a value this rule never releases).
   */
  public Optional<Interval> exactCounts(long released) {
    if (released < threshold) {
      return Optional.empty();
    }
    long low = lowestKept(released);
    long high = highestKept(released);
    if (low > high) {
      return Optional.empty();
    }
    return Optional.of(new Interval(BigDecimal.valueOf(low), BigDecimal.valueOf(high)));
  }

  /**
   * The probability that a group of exactly {@code exact} people is shown: {@code P(c + Z >= τ)}
   * when {@code c >= k}, else 0.
   */
  public double releaseProbability(long exact) {
    return exact < exactMinimum ? 0 : Math.exp(logAtLeast(threshold - exact));
  }

  /**
   * The smallest exact number of people whose group is shown with probability at least {@code
   * probability}.
   */
  public long smallestShown(double probability) {
    if (!(probability > 0 && probability < 1)) {
      throw new IllegalArgumentException("probability must be in (0, 1), was " + probability);
    }
    long failing = exactMinimum - 1;
    long step = 1;
    long shown = threshold;
    while (releaseProbability(shown) < probability) {
      failing = shown;
      shown = Math.addExact(threshold, step);
      step = Math.multiplyExact(step, 2);
    }
    while (shown - failing > 1) {
      long middle = failing + (shown - failing) / 2;
      if (releaseProbability(middle) >= probability) {
        shown = middle;
      } else {
        failing = middle;
      }
    }
    return shown;
  }

  /** The smallest {@code c >= k} whose upper tail at {@code y} exceeds α/2. */
  private long lowestKept(long released) {
    if (upperTailKept(exactMinimum, released)) {
      return exactMinimum;
    }
    // At c = y the conditional P(Y >= y) is at least P(Z >= 0) > 1/2: kept.
    long failing = exactMinimum;
    long kept = released;
    while (kept - failing > 1) {
      long middle = failing + (kept - failing) / 2;
      if (upperTailKept(middle, released)) {
        kept = middle;
      } else {
        failing = middle;
      }
    }
    return kept;
  }

  /**
   * The largest {@code c} that is at most {@code τ} or whose lower tail at {@code y} exceeds α/2.
   */
  private long highestKept(long released) {
    long kept = threshold;
    long step = 1;
    long failing = Math.addExact(released, step);
    while (lowerTailKept(failing, released)) {
      kept = failing;
      step = Math.multiplyExact(step, 2);
      failing = Math.addExact(released, step);
    }
    while (failing - kept > 1) {
      long middle = kept + (failing - kept) / 2;
      if (lowerTailKept(middle, released)) {
        kept = middle;
      } else {
        failing = middle;
      }
    }
    return kept;
  }

  /** {@code P_c(Y >= y | Y >= τ) > α/2}. */
  private boolean upperTailKept(long exact, long released) {
    double logRatio = logAtLeast(released - exact) - logAtLeast(threshold - exact);
    return Math.exp(logRatio) > tail;
  }

  /** {@code c <= τ}, or {@code P_c(Y <= y | Y >= τ) > α/2}. */
  private boolean lowerTailKept(long exact, long released) {
    if (exact <= threshold) {
      return true;
    }
    // P(τ - c <= Z <= y - c) = P(Z >= c - y) - P(Z >= c - τ + 1), by symmetry.
    double between =
        Math.exp(logAtLeast(exact - released)) - Math.exp(logAtLeast(exact - threshold + 1));
    return between / Math.exp(logAtLeast(threshold - exact)) > tail;
  }

  /** {@code ln P(Z >= t)}. */
  private double logAtLeast(long t) {
    if (t >= 1) {
      return t * logQ - logOnePlusQ;
    }
    // P(Z >= t) = 1 - P(Z >= 1 - t) for t <= 0.
    return Math.log1p(-Math.exp((1 - t) * logQ - logOnePlusQ));
  }
}
