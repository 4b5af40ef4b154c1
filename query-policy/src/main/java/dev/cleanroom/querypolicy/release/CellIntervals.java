package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.noise.PartitionSelection;
import dev.cleanroom.querypolicy.release.DerivedExpression.Interval;
import dev.cleanroom.querypolicy.release.PostProcessing.ShownRow;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The 95% interval of every cell an answer shows, from its released value and its column's noise:
 * post-processing of released values and public parameters, so it costs no epsilon.
 *
 * <p>Per part: a count is its value plus or minus its column's half-width, never below 0; a sum
 * likewise, never on the wrong side of 0 when its bounds are; the people of a group released by the
 * noisy threshold get the set {@link ThresholdRelease#exactCounts} conditioned on the release; an
 * average is its noisy sum's interval divided by its noisy count's, by interval arithmetic, cut to
 * what an average can be. A derived output gets interval arithmetic over its parts' intervals
 * ({@link DerivedExpression#interval}). A new column role adds its case to {@code partInterval}:
 * usually its value plus or minus its {@link ColumnNoise#ci95HalfWidth}, or a rule of its own.
 */
public final class CellIntervals {

  /** How the intervals are computed and how exact they are, for the privacy report. */
  public static final String METHOD =
      "95% interval of the value without noise: a count or sum is its released value plus or"
          + " minus its column's 95% noise half-width, cut to what it can be (counts not"
          + " negative); the number of people of a group released by the noisy threshold is the"
          + " set of exact counts that would release it at this value 95% of the time (exact"
          + " for the discrete Laplace distribution, conditioned on the release); an average,"
          + " and an output derived from several aggregates, use interval arithmetic over their"
          + " parts' intervals, so they hold with probability at least 1 - 0.05 x (number of"
          + " parts)";

  private static final double CONFIDENCE = 0.95;
  private static final String CONDITIONED_MECHANISM = "discrete-laplace";

  private final ReleaseSpec spec;
  private final Releaser releaser;
  private final ColumnNoise[] noiseByPart;
  private final int[] ratioPartsOf;
  private final ThresholdRelease thresholdRelease;

  private CellIntervals(ReleaseSpec spec, List<ColumnNoise> noise) {
    this.spec = spec;
    this.releaser = Releaser.forSpec(spec);
    this.noiseByPart = PostProcessing.noiseByPart(spec, noise);
    this.ratioPartsOf = new int[spec.columns().size()];
    int next = spec.columns().size();
    for (int part = 0; part < ratioPartsOf.length; part++) {
      if (spec.columns().get(part).role() == ColumnRole.AVG) {
        ratioPartsOf[part] = next;
        next += 2;
      } else {
        ratioPartsOf[part] = -1;
      }
    }
    // Conditioned only for the Laplace threshold; public keys make no release decision.
    this.thresholdRelease =
        releaser.groupSelection() instanceof PartitionSelection selection && !publicKeys(spec)
            ? ThresholdRelease.of(selection, CONFIDENCE)
            : null;
  }

  private static boolean publicKeys(ReleaseSpec spec) {
    return spec.rule() instanceof ReleaseRule.PublicKeys;
  }

  /**
   * The intervals of a release of {@code spec} whose noise report is {@code noise} (one entry per
   * noised column, in spec order).
   */
  public static CellIntervals of(ReleaseSpec spec, List<ColumnNoise> noise) {
    return new CellIntervals(requireNonNull(spec, "spec is null"), requireNonNull(noise, "noise"));
  }

  /**
   * Each shown row's intervals, one per output column of {@code post} in output order: {@code null}
   * for a group key, and where an interval is unknown or unbounded.
   */
  public List<Interval[]> cells(PostProcessing post, List<ShownRow> rows) {
    requireNonNull(post, "post is null");
    List<Interval[]> cells = new ArrayList<>(rows.size());
    for (ShownRow row : rows) {
      Interval[] parts = parts(row);
      Interval[] outputs = new Interval[post.outputs().size()];
      for (int i = 0; i < outputs.length; i++) {
        DerivedExpression expression = post.outputs().get(i).expression();
        outputs[i] = expression.readsParts() ? expression.interval(row.parts(), parts) : null;
      }
      cells.add(outputs);
    }
    return cells;
  }

  /** The interval of each released part of {@code row}, in spec order. */
  public Interval[] parts(ShownRow row) {
    Interval[] intervals = new Interval[spec.columns().size()];
    for (int part = 0; part < intervals.length; part++) {
      intervals[part] = partInterval(part, row);
    }
    return intervals;
  }

  private Interval partInterval(int part, ShownRow row) {
    ReleaseColumn column = spec.columns().get(part);
    ColumnNoise noise = noiseByPart[part];
    Object value = row.parts()[part];
    if (column.role() == ColumnRole.GROUP_KEY || noise == null || !(value instanceof Number)) {
      return null;
    }
    BigDecimal released = DerivedExpression.decimal(value);
    return switch (column.role()) {
      case GROUP_KEY -> null;
      case DISTINCT_UNITS -> people(noise, released, row.remainder());
      case COUNT -> notNegative(around(released, noise.ci95HalfWidth()));
      case SUM -> signed(column, around(released, noise.ci95HalfWidth()));
      case AVG -> average(part, column, noise, row);
        // A quantile's interval comes from its histogram, through its derived expression.
      case HISTOGRAM -> null;
    };
  }

  /**
   * A group released by the threshold: the exact counts that would release it at this value;
   * otherwise (the remainder row, another mechanism) its value plus or minus the half-width, and
   * for a group at least k.
   */
  private Interval people(ColumnNoise noise, BigDecimal released, boolean remainder) {
    if (!remainder
        && thresholdRelease != null
        && noise.mechanism().equals(CONDITIONED_MECHANISM)
        && released.stripTrailingZeros().scale() <= 0) {
      Optional<Interval> conditioned = thresholdRelease.exactCounts(released.longValueExact());
      if (conditioned.isPresent()) {
        return conditioned.get();
      }
    }
    Interval plain = notNegative(around(released, noise.ci95HalfWidth()));
    if (remainder || publicKeys(spec)) {
      // A public key's row is shown whatever its number of people: nothing raises it to k.
      return plain;
    }
    BigDecimal k = BigDecimal.valueOf(spec.parameters().minimumDistinctUnits());
    return new Interval(plain.low().max(k), plain.high().max(k));
  }

  /**
   * The noisy sum's interval over the noisy count's (both carried after the row's parts), cut to
   * the range an average can take; unknown when the row does not carry them.
   */
  private Interval average(int part, ReleaseColumn column, ColumnNoise noise, ShownRow row) {
    int sumIndex = ratioPartsOf[part];
    Optional<BigDecimal> countHalfWidth = releaser.divisorHalfWidth(part);
    if (sumIndex + 1 >= row.parts().length
        || !(row.parts()[sumIndex] instanceof Number sum)
        || !(row.parts()[sumIndex + 1] instanceof Number count)
        || countHalfWidth.isEmpty()) {
      return null;
    }
    BigDecimal lowest =
        column
            .lowerBound()
            .min(column.lowerBound().divide(column.countUpperBound(), MathContext.DECIMAL64));
    BigDecimal highest =
        column
            .upperBound()
            .max(column.upperBound().divide(column.countUpperBound(), MathContext.DECIMAL64));
    Interval sums = signed(column, around(DerivedExpression.decimal(sum), noise.ci95HalfWidth()));
    Interval counts = notNegative(around(DerivedExpression.decimal(count), countHalfWidth.get()));
    if (counts.low().signum() <= 0) {
      return new Interval(lowest, highest);
    }
    BigDecimal[] corners = {
      sums.low().divide(counts.low(), MathContext.DECIMAL64),
      sums.low().divide(counts.high(), MathContext.DECIMAL64),
      sums.high().divide(counts.low(), MathContext.DECIMAL64),
      sums.high().divide(counts.high(), MathContext.DECIMAL64)
    };
    BigDecimal low = Arrays.stream(corners).min(BigDecimal::compareTo).orElseThrow();
    BigDecimal high = Arrays.stream(corners).max(BigDecimal::compareTo).orElseThrow();
    BigDecimal cutLow = low.max(lowest).min(highest);
    BigDecimal cutHigh = high.min(highest).max(cutLow);
    return new Interval(cutLow, cutHigh);
  }

  private static Interval around(BigDecimal value, BigDecimal halfWidth) {
    return new Interval(value.subtract(halfWidth), value.add(halfWidth));
  }

  private static Interval notNegative(Interval interval) {
    BigDecimal low = interval.low().max(BigDecimal.ZERO);
    return new Interval(low, interval.high().max(low));
  }

  /** A sum of values that cannot be negative is not negative, and the other way round. */
  private static Interval signed(ReleaseColumn column, Interval interval) {
    BigDecimal low = interval.low();
    BigDecimal high = interval.high();
    if (column.lowerBound().signum() >= 0) {
      low = low.max(BigDecimal.ZERO);
    }
    if (column.upperBound().signum() <= 0) {
      high = high.min(BigDecimal.ZERO);
    }
    return new Interval(low, high.max(low));
  }
}
