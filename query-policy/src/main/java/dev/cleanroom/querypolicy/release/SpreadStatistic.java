package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.release.DerivedExpression.Interval;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * A variance or standard deviation computed after noise from three released parts of a group: the
 * number of people with a value {@code n}, the sum of their centred values {@code s1 = Σ(t - c)}
 * and the sum of their squares {@code s2 = Σ(t - c)^2}, where {@code t} is a person's total in the
 * group clamped to the metric's bounds {@code [lower, upper]} and {@code c} the bounds' midpoint.
 * The population variance is {@code s2/n - (s1/n)^2} (a variance does not change when every value
 * moves by {@code c}); it is cut to {@code [0, h^2]}, {@code h = (upper - lower)/2}, the range a
 * population variance of values in {@code [lower, upper]} can take. Post-processing of released
 * values: it spends no epsilon.
 *
 * @param sample whether it is the sample variance: the population one times {@code n/(n - 1)}, NULL
 *     when {@code n <= 1}
 * @param root whether it is the standard deviation: the square root of the variance
 * @param halfWidth {@code h}, half the width of the metric's bounds
 */
public record SpreadStatistic(boolean sample, boolean root, BigDecimal halfWidth) {
  private static final MathContext CONTEXT = DerivedExpression.CONTEXT;

  public SpreadStatistic {
    requireNonNull(halfWidth, "halfWidth is null");
    if (halfWidth.signum() <= 0) {
      throw new IllegalArgumentException("halfWidth must be > 0, was " + halfWidth);
    }
  }

  /** The statistic from released parts; {@code null} when the noisy count leaves too few people. */
  public BigDecimal value(BigDecimal people, BigDecimal centeredSum, BigDecimal centeredSquares) {
    if (people == null || centeredSum == null || centeredSquares == null) {
      return null;
    }
    if (people.compareTo(minimumPeople()) < 0) {
      return null;
    }
    BigDecimal mean = within(centeredSum.divide(people, CONTEXT), halfWidth.negate(), halfWidth);
    BigDecimal squares =
        within(centeredSquares.divide(people, CONTEXT), BigDecimal.ZERO, maximum());
    BigDecimal variance =
        within(squares.subtract(mean.multiply(mean, CONTEXT), CONTEXT), BigDecimal.ZERO, maximum());
    return finish(variance, people);
  }

  /**
   * An interval of the statistic from an interval of each part (interval arithmetic through the
   * same formula, every step monotone on the cut ranges); {@code null} when the people's interval
   * reaches below the fewest people the statistic needs.
   */
  public Interval interval(Interval people, Interval centeredSum, Interval centeredSquares) {
    if (people == null || centeredSum == null || centeredSquares == null) {
      return null;
    }
    if (people.low().compareTo(minimumPeople()) < 0) {
      return null;
    }
    Interval mean = cut(quotient(centeredSum, people), halfWidth.negate(), halfWidth);
    BigDecimal meanSquareLow =
        mean.low().signum() <= 0 && mean.high().signum() >= 0
            ? BigDecimal.ZERO
            : mean.low().abs().min(mean.high().abs()).pow(2, CONTEXT);
    BigDecimal meanSquareHigh = mean.low().abs().max(mean.high().abs()).pow(2, CONTEXT);
    Interval squares = cut(quotient(centeredSquares, people), BigDecimal.ZERO, maximum());
    Interval variance =
        cut(
            new Interval(
                squares.low().subtract(meanSquareHigh, CONTEXT),
                squares
                    .high()
                    .subtract(meanSquareLow, CONTEXT)
                    .max(squares.low().subtract(meanSquareHigh, CONTEXT))),
            BigDecimal.ZERO,
            maximum());
    if (sample) {
      // n / (n - 1) falls as n grows: the high end of n gives the low factor.
      BigDecimal lowFactor = factor(people.high());
      BigDecimal highFactor = factor(people.low());
      variance =
          new Interval(
              variance.low().multiply(lowFactor, CONTEXT),
              variance.high().multiply(highFactor, CONTEXT));
    }
    return root
        ? new Interval(variance.low().sqrt(CONTEXT), variance.high().sqrt(CONTEXT))
        : variance;
  }

  /** The largest population variance of values in bounds of half-width {@code h}: {@code h^2}. */
  public BigDecimal maximum() {
    return halfWidth.multiply(halfWidth);
  }

  /** The SQL-like formula over the three parts' names, with the constants that shape it. */
  public String render(String people, String centeredSum, String centeredSquares) {
    String mean =
        "GREATEST(-"
            + plain(halfWidth)
            + ", LEAST("
            + plain(halfWidth)
            + ", "
            + centeredSum
            + " / "
            + people
            + "))";
    String variance =
        "GREATEST(0, LEAST("
            + plain(maximum())
            + ", LEAST("
            + plain(maximum())
            + ", "
            + centeredSquares
            + " / "
            + people
            + ") - POWER("
            + mean
            + ", 2)))";
    if (sample) {
      variance = variance + " * " + people + " / (" + people + " - 1)";
    }
    String text = root ? "SQRT(" + variance + ")" : variance;
    return text + " (NULL when " + people + " < " + minimumPeople() + ")";
  }

  private BigDecimal minimumPeople() {
    return sample ? BigDecimal.valueOf(2) : BigDecimal.ONE;
  }

  private BigDecimal finish(BigDecimal variance, BigDecimal people) {
    BigDecimal value = sample ? variance.multiply(factor(people), CONTEXT) : variance;
    return root ? value.sqrt(CONTEXT) : value;
  }

  private static BigDecimal factor(BigDecimal people) {
    return people.divide(people.subtract(BigDecimal.ONE), CONTEXT);
  }

  /** {@code a / b} for {@code b} of positive low end: the hull of the corner quotients. */
  private static Interval quotient(Interval a, Interval b) {
    BigDecimal[] corners = {
      a.low().divide(b.low(), CONTEXT),
      a.low().divide(b.high(), CONTEXT),
      a.high().divide(b.low(), CONTEXT),
      a.high().divide(b.high(), CONTEXT)
    };
    BigDecimal low = corners[0];
    BigDecimal high = corners[0];
    for (BigDecimal corner : corners) {
      low = low.min(corner);
      high = high.max(corner);
    }
    return new Interval(low, high);
  }

  private static Interval cut(Interval interval, BigDecimal low, BigDecimal high) {
    return new Interval(within(interval.low(), low, high), within(interval.high(), low, high));
  }

  private static BigDecimal within(BigDecimal value, BigDecimal low, BigDecimal high) {
    return value.max(low).min(high);
  }

  private static String plain(BigDecimal value) {
    return value.stripTrailingZeros().toPlainString();
  }
}
