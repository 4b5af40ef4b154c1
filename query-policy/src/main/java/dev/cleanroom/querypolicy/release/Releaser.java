package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.noise.LaplaceMechanism;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.PartitionSelection;
import dev.cleanroom.querypolicy.noise.Rational;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.IntStream;

/**
 * Turns the exact rows of a private plan into released rows: partition selection, noise on every
 * aggregate, the optional remainder row and the privacy report.
 *
 * <p>Epsilon split: the query's ε is divided into equal shares, one for the group-release decision
 * (whose noisy count is also the released {@code DISTINCT_UNITS} value), one for the number of
 * suppressed groups, one per {@code COUNT} and {@code SUM} column, two per {@code AVG} column (its
 * sum and its count) and, when the remainder row is on, one for the remainder's release decision.
 * By sequential composition the answer is (ε, δ)-differentially private; δ goes to the release
 * decisions (halved between groups and remainder when the remainder is on). The remainder's
 * aggregates spend no extra share: with the released groups fixed, one unit still reaches at most
 * {@code maxGroupsContributed} rows in total, which each column's noise already covers.
 *
 * <p>Order: the engine returns groups in an order that follows the order of rows in the data, which
 * an analyst who uploads a table controls and observes. So the exact rows are put in a canonical
 * order before any noise is drawn (a seeded source then gives the same answer whatever the engine
 * order), and the released rows are returned in {@link ReleaseOrder#canonical canonical order},
 * which depends only on released values.
 */
public final class Releaser {

  private static final String LAPLACE = "discrete-laplace";
  private static final double CONFIDENCE = 0.95;

  private final ReleaseSpec spec;
  private final Rational epsilonShare;
  private final PartitionSelection groupSelection;
  private final LaplaceMechanism groupCount;
  private final Optional<PartitionSelection> remainderSelection;
  private final List<LaplaceMechanism> valueMechanisms;
  private final List<LaplaceMechanism> divisorMechanisms;
  private final List<ColumnNoise> noiseReport;
  private final int[] aggregateFields;
  private final int[] groupKeyFields;
  private final Comparator<Object[]> releasedOrder;
  private final int averageColumns;

  private Releaser(ReleaseSpec spec) {
    this.spec = spec;
    QueryPrivacyParameters parameters = spec.parameters();
    int groups = parameters.maxGroupsContributed();
    int shares = 2 + (parameters.releaseRemainder() ? 1 : 0);
    for (ReleaseColumn column : spec.columns()) {
      validate(column);
      shares += sharesOf(column.role());
    }
    this.epsilonShare = Rational.of(parameters.epsilon()).divide(Rational.of(shares, 1));
    double groupDelta = parameters.releaseRemainder() ? parameters.delta() / 2 : parameters.delta();
    this.groupSelection =
        PartitionSelection.builder()
            .epsilon(epsilonShare)
            .delta(groupDelta)
            .maxGroupsContributed(groups)
            .minimumDistinctUnits(parameters.minimumDistinctUnits())
            .build();
    // One unit can add at most maxGroupsContributed groups to the exact rows.
    this.groupCount = integerMechanism(BigDecimal.ONE, groups);
    this.remainderSelection =
        parameters.releaseRemainder()
            ? Optional.of(
                PartitionSelection.builder()
                    .epsilon(epsilonShare)
                    .delta(parameters.delta() / 2)
                    .maxGroupsContributed(groups)
                    .minimumDistinctUnits(parameters.minimumDistinctUnits())
                    .remainderRow(true)
                    .build())
            : Optional.empty();

    List<LaplaceMechanism> values = new ArrayList<>();
    List<LaplaceMechanism> divisors = new ArrayList<>();
    List<ColumnNoise> report = new ArrayList<>();
    for (ReleaseColumn column : spec.columns()) {
      LaplaceMechanism value = null;
      LaplaceMechanism divisor = null;
      switch (column.role()) {
        case GROUP_KEY -> {}
        case DISTINCT_UNITS -> report.add(selectionNoise(column));
        case COUNT -> {
          value = integerMechanism(column.maxAbsoluteContribution(), groups);
          report.add(columnNoise(column, value, LAPLACE, epsilonShare));
        }
        case SUM -> {
          value = realMechanism(column.maxAbsoluteContribution(), groups);
          report.add(columnNoise(column, value, LAPLACE, epsilonShare));
        }
        case AVG -> {
          value = realMechanism(column.maxAbsoluteContribution(), groups);
          divisor = integerMechanism(column.countUpperBound(), groups);
          report.add(
              columnNoise(column, value, LAPLACE + "-ratio", epsilonShare.add(epsilonShare)));
        }
      }
      values.add(value);
      divisors.add(divisor);
    }
    this.valueMechanisms = values;
    this.divisorMechanisms = divisors;
    this.noiseReport = List.copyOf(report);
    this.aggregateFields =
        spec.columns().stream()
            .filter(column -> sharesOf(column.role()) > 0)
            .flatMapToInt(
                column ->
                    column.role() == ColumnRole.AVG
                        ? IntStream.of(column.valueField(), column.countField())
                        : IntStream.of(column.valueField()))
            .distinct()
            .toArray();
    this.groupKeyFields =
        spec.columns().stream()
            .filter(column -> column.role() == ColumnRole.GROUP_KEY)
            .mapToInt(ReleaseColumn::valueField)
            .toArray();
    this.releasedOrder = ReleaseOrder.canonical(spec);
    this.averageColumns =
        (int) spec.columns().stream().filter(column -> column.role() == ColumnRole.AVG).count();
  }

  /** Prepares the release of one query; fails if the spec cannot be released privately. */
  public static Releaser forSpec(ReleaseSpec spec) {
    return new Releaser(requireNonNull(spec, "spec is null"));
  }

  /** Shorthand for {@code forSpec(spec).release(exactRows, source)}. */
  public static ReleasedResult release(
      ReleaseSpec spec, List<Object[]> exactRows, NoiseSource source) {
    return forSpec(spec).release(exactRows, source);
  }

  /** The per-column noise report; data-independent, so explain can show it before a query runs. */
  public List<ColumnNoise> noiseReport() {
    return noiseReport;
  }

  /** The epsilon of one share (see the class comment). */
  public Rational epsilonShare() {
    return epsilonShare;
  }

  /** The noisy distinct-unit count a group must reach. */
  public long threshold() {
    return groupSelection.threshold();
  }

  /** The decision which groups are released (its noise and threshold), for accuracy reports. */
  public PartitionSelection groupSelection() {
    return groupSelection;
  }

  /**
   * For the {@link ColumnRole#AVG} column at {@code column} (its index in the spec), the 95%
   * half-width of the noise on the count it divides by; empty for other columns.
   */
  public Optional<BigDecimal> divisorHalfWidth(int column) {
    LaplaceMechanism divisor = divisorMechanisms.get(column);
    return divisor == null ? Optional.empty() : Optional.of(divisor.halfWidth(CONFIDENCE));
  }

  /** The remainder row's threshold on its summed distinct units, when the remainder is on. */
  public OptionalLong remainderThreshold() {
    return remainderSelection
        .map(selection -> OptionalLong.of(selection.threshold()))
        .orElse(OptionalLong.empty());
  }

  /**
   * Releases the engine's exact rows, one row per group in the private plan's row type, in any
   * order: the released rows come back in canonical order.
   */
  public ReleasedResult release(List<Object[]> exactRows, NoiseSource source) {
    requireNonNull(exactRows, "exactRows is null");
    requireNonNull(source, "source is null");
    List<Object[]> exact = new ArrayList<>(exactRows.size());
    for (Object[] row : exactRows) {
      exact.add(requireNonNull(row, "an exact row is null"));
    }
    // Noise is drawn in an order that does not depend on the engine's.
    exact.sort(this::compareExact);
    List<Object[]> released = new ArrayList<>();
    List<Object[]> suppressed = new ArrayList<>();
    for (Object[] row : exact) {
      long distinctUnits = integerField(row, spec.distinctUnitsField());
      OptionalLong noisyUnits = groupSelection.select(distinctUnits, source);
      // The aggregates are noised whatever the decision, so the work does not reveal it.
      Object[] noisy = noisedRow(row, noisyUnits.orElse(0), false, source);
      if (noisyUnits.isPresent()) {
        released.add(noisy);
      } else {
        suppressed.add(row);
      }
    }
    released.sort(releasedOrder);
    long noisyGroups =
        groupCount.release(BigDecimal.valueOf(exact.size()), source).longValueExact();
    long suppressedGroups = Math.max(0, noisyGroups - released.size());
    Optional<Object[]> remainder =
        remainderSelection.flatMap(selection -> remainderRow(selection, suppressed, source));
    return new ReleasedResult(
        released,
        remainder,
        suppressedGroups,
        noiseReport,
        spec.parameters().epsilon(),
        spec.parameters().delta(),
        groupSelection.threshold());
  }

  /** Exact rows by their group keys, then by every field: a total order over exact values. */
  private int compareExact(Object[] left, Object[] right) {
    for (int field : groupKeyFields) {
      int compared = ReleaseOrder.compareValues(field(left, field), field(right, field));
      if (compared != 0) {
        return compared;
      }
    }
    int width = Math.min(left.length, right.length);
    for (int field = 0; field < width; field++) {
      int compared = ReleaseOrder.compareValues(left[field], right[field]);
      if (compared != 0) {
        return compared;
      }
    }
    return Integer.compare(left.length, right.length);
  }

  private Optional<Object[]> remainderRow(
      PartitionSelection selection, List<Object[]> suppressed, NoiseSource source) {
    Object[] sums = new Object[width()];
    long unitSum = 0;
    for (Object[] row : suppressed) {
      unitSum = Math.addExact(unitSum, integerField(row, spec.distinctUnitsField()));
      for (int field : aggregateFields) {
        BigDecimal current = sums[field] == null ? BigDecimal.ZERO : (BigDecimal) sums[field];
        sums[field] = current.add(decimalField(row, field));
      }
    }
    OptionalLong noisyUnits = selection.select(unitSum, source);
    Object[] noisy = noisedRow(sums, noisyUnits.orElse(0), true, source);
    return noisyUnits.isPresent() ? Optional.of(noisy) : Optional.empty();
  }

  private Object[] noisedRow(
      Object[] exact, long noisyUnits, boolean remainder, NoiseSource source) {
    List<ReleaseColumn> columns = spec.columns();
    // After the parts, each AVG column's noisy sum and count (see ReleasedResult#rows).
    Object[] out = new Object[columns.size() + 2 * averageColumns];
    int ratioParts = columns.size();
    for (int i = 0; i < columns.size(); i++) {
      ReleaseColumn column = columns.get(i);
      out[i] =
          switch (column.role()) {
            case GROUP_KEY -> remainder ? null : field(exact, column.valueField());
            case DISTINCT_UNITS -> noisyUnits;
            case COUNT ->
                Math.max(
                    0,
                    valueMechanisms
                        .get(i)
                        .release(decimalField(exact, column.valueField()), source)
                        .longValueExact());
            case SUM ->
                clampSum(column, valueMechanisms.get(i).release(exactValue(exact, column), source));
            case AVG -> {
              BigDecimal noisySum =
                  valueMechanisms.get(i).release(exactValue(exact, column), source);
              BigDecimal noisyCount =
                  divisorMechanisms
                      .get(i)
                      .release(decimalField(exact, column.countField()), source);
              out[ratioParts++] = noisySum;
              out[ratioParts++] = noisyCount;
              yield average(column, noisySum, noisyCount);
            }
          };
    }
    return out;
  }

  /** The exact value of a column in its plain units (sums arrive as whole fixed-point units). */
  private static BigDecimal exactValue(Object[] exact, ReleaseColumn column) {
    return decimalField(exact, column.valueField()).multiply(column.valueUnit());
  }

  /** A sum of values that cannot be negative is never shown negative, and the other way round. */
  private static BigDecimal clampSum(ReleaseColumn column, BigDecimal noisySum) {
    BigDecimal value = noisySum;
    if (column.lowerBound().signum() >= 0) {
      value = value.max(BigDecimal.ZERO);
    }
    if (column.upperBound().signum() <= 0) {
      value = value.min(BigDecimal.ZERO);
    }
    return normalized(value);
  }

  /**
   * Noisy sum over noisy count (at least 1), clamped to the range a true average can take: each
   * unit adds a sum in {@code [lower, upper]} and a count in {@code [1, countUpperBound]}.
   */
  private static BigDecimal average(
      ReleaseColumn column, BigDecimal noisySum, BigDecimal noisyCount) {
    BigDecimal divisor = noisyCount.max(BigDecimal.ONE);
    BigDecimal quotient = noisySum.divide(divisor, MathContext.DECIMAL64);
    BigDecimal countBound = column.countUpperBound();
    BigDecimal lowest =
        column.lowerBound().min(column.lowerBound().divide(countBound, MathContext.DECIMAL64));
    BigDecimal highest =
        column.upperBound().max(column.upperBound().divide(countBound, MathContext.DECIMAL64));
    return normalized(quotient.max(lowest).min(highest));
  }

  private static BigDecimal normalized(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0, RoundingMode.UNNECESSARY) : stripped;
  }

  private ColumnNoise selectionNoise(ReleaseColumn column) {
    BigDecimal scale =
        groupSelection.noise().scale().toBigDecimal(MathContext.DECIMAL64).stripTrailingZeros();
    return new ColumnNoise(
        column.name(),
        LAPLACE,
        epsilonShare.toBigDecimal(MathContext.DECIMAL64).stripTrailingZeros(),
        scale,
        BigDecimal.valueOf(groupSelection.noise().halfWidth(CONFIDENCE)),
        BigDecimal.ONE);
  }

  private static ColumnNoise columnNoise(
      ReleaseColumn column, LaplaceMechanism mechanism, String name, Rational epsilon) {
    return new ColumnNoise(
        column.name(),
        name,
        epsilon.toBigDecimal(MathContext.DECIMAL64).stripTrailingZeros(),
        mechanism.scale(),
        mechanism.halfWidth(CONFIDENCE),
        mechanism.granularity());
  }

  private LaplaceMechanism integerMechanism(BigDecimal maxContribution, int groups) {
    return LaplaceMechanism.builder()
        .maxContributionPerGroup(maxContribution)
        .maxGroupsContributed(groups)
        .epsilon(epsilonShare)
        .integerValued(true)
        .build();
  }

  private LaplaceMechanism realMechanism(BigDecimal maxContribution, int groups) {
    return LaplaceMechanism.builder()
        .maxContributionPerGroup(maxContribution)
        .maxGroupsContributed(groups)
        .epsilon(epsilonShare)
        .integerValued(false)
        .build();
  }

  private static int sharesOf(ColumnRole role) {
    return switch (role) {
      case GROUP_KEY, DISTINCT_UNITS -> 0;
      case COUNT, SUM -> 1;
      case AVG -> 2;
    };
  }

  private void validate(ReleaseColumn column) {
    switch (column.role()) {
      case GROUP_KEY, SUM -> {}
      case AVG -> {
        if (column.countUpperBound() == null) {
          throw invalid(
              "average column '"
                  + column.name()
                  + "' has no countUpperBound: the noise of its divisor cannot be sized");
        }
      }
      case DISTINCT_UNITS -> {
        if (column.valueField() != spec.distinctUnitsField()) {
          throw invalid(
              "distinct-unit column '"
                  + column.name()
                  + "' reads field "
                  + column.valueField()
                  + " but the spec's distinct-unit count is field "
                  + spec.distinctUnitsField());
        }
        if (column.lowerBound().signum() != 0
            || column.upperBound().compareTo(BigDecimal.ONE) != 0) {
          throw invalid(
              "distinct-unit column '"
                  + column.name()
                  + "' must have bounds [0, 1], was ["
                  + column.lowerBound()
                  + ", "
                  + column.upperBound()
                  + "]");
        }
      }
      case COUNT -> {
        if (column.lowerBound().signum() < 0
            || column.upperBound().stripTrailingZeros().scale() > 0) {
          throw invalid(
              "count column '"
                  + column.name()
                  + "' needs integer bounds within [0, upper], was ["
                  + column.lowerBound()
                  + ", "
                  + column.upperBound()
                  + "]");
        }
      }
    }
    if (column.role() != ColumnRole.GROUP_KEY
        && column.role() != ColumnRole.DISTINCT_UNITS
        && column.maxAbsoluteContribution().signum() == 0) {
      throw invalid("column '" + column.name() + "' has bounds [0, 0]: nothing to release");
    }
  }

  private int width() {
    int width = spec.distinctUnitsField() + 1;
    for (ReleaseColumn column : spec.columns()) {
      width = Math.max(width, Math.max(column.valueField(), column.countField()) + 1);
    }
    return width;
  }

  private static Object field(Object[] row, int field) {
    if (field >= row.length) {
      throw engineRows(
          "an exact row has " + row.length + " fields; the release reads field " + field);
    }
    return row[field];
  }

  private static long integerField(Object[] row, int field) {
    BigDecimal value = decimalField(row, field);
    try {
      return value.longValueExact();
    } catch (ArithmeticException e) {
      throw engineRows("field " + field + " of an exact row is not an integer count");
    }
  }

  /** A numeric field as an exact decimal; SQL NULL (an aggregate over nothing) counts as 0. */
  private static BigDecimal decimalField(Object[] row, int field) {
    Object value = field(row, field);
    if (value == null) {
      return BigDecimal.ZERO;
    }
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof BigInteger integer) {
      return new BigDecimal(integer);
    }
    if (value instanceof Double || value instanceof Float) {
      double number = ((Number) value).doubleValue();
      if (Double.isFinite(number)) {
        return new BigDecimal(number);
      }
    }
    // The message names the field, never the value.
    throw engineRows("field " + field + " of an exact row is not a finite number");
  }

  private static PolicyException invalid(String message) {
    return new PolicyException(PolicyErrorCode.INVALID_PRIVACY_PARAMETER, message);
  }

  private static PolicyException engineRows(String message) {
    return new PolicyException(PolicyErrorCode.EXECUTION_FAILED, message);
  }
}
