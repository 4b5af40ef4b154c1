package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.noise.GaussianThresholding;
import dev.cleanroom.querypolicy.noise.GroupSelection;
import dev.cleanroom.querypolicy.noise.LaplaceMechanism;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.PartitionSelection;
import dev.cleanroom.querypolicy.noise.Rational;
import dev.cleanroom.querypolicy.noise.ValueMechanism;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;

/**
 * Turns the exact rows of a private plan into released rows: the release rule (a noisy threshold,
 * or public group keys), noise on every aggregate, the optional remainder or other row and the
 * privacy report.
 *
 * <p>Epsilon split: the query's ε is divided into equal shares, one for the group-release decision
 * (whose noisy count is also the released {@code DISTINCT_UNITS} value; under public keys the same
 * noisy count decides only whether a key's aggregates are shown, see below), one per {@code COUNT}
 * and {@code SUM} column, two per {@code AVG} column (its sum and its count), one for the
 * remainder's release decision when the remainder row is on (never under public keys: nothing is
 * suppressed), and one for the number of suppressed groups only when the query asks for it ({@link
 * ReleaseOptions#suppressedGroups}). By sequential composition the answer is (ε, δ)-differentially
 * private; δ goes to the release decisions (halved between groups and remainder when the remainder
 * is on), none under public keys. The remainder's aggregates spend no extra share: with the
 * released groups fixed, one unit still reaches at most {@code maxGroupsContributed} rows in total,
 * which each column's noise already covers. {@link #spent()} lists the split.
 *
 * <p>Public group keys ({@link ReleaseRule.PublicKeys}): exactly the key combinations of the rule
 * are released, each with its noised values (noised zeros when the data has no row for it), so the
 * set of rows shown does not depend on the data and needs neither a threshold nor δ. Each noised
 * column covers one unit's at most {@code m} groups, whether they are public keys or gathered in
 * the other row, which is one more row of summed exact values as the remainder row is. The policy's
 * k is applied to the noisy distinct count: a key's aggregates are {@code NULL} when it is below k
 * (the other row's when it is below the remainder's exact minimum); a function of released values
 * only, so post-processing.
 *
 * <p>Order: the engine returns groups in an order that follows the order of rows in the data, which
 * an analyst who uploads a table controls and observes. So the exact rows are put in a canonical
 * order before any noise is drawn (a seeded source then gives the same answer whatever the engine
 * order), and the released rows are returned in {@link ReleaseOrder#canonical canonical order},
 * which depends only on released values.
 *
 * <p>Mechanism: the spec's {@link MechanismPreference} may replace the Laplace noise and threshold
 * by Gaussian noise under zCDP, or the release decision by the truncated geometric ({@link
 * MechanismChoice} picks for {@code auto}; {@link AlternativeMechanisms} builds them on the same
 * split of ε).
 */
public final class Releaser {

  private static final String LAPLACE = "discrete-laplace";
  private static final double CONFIDENCE = 0.95;

  private final ReleaseSpec spec;
  private final Rational epsilonShare;
  private final GroupSelection groupSelection;

  /** The noise of a group's people count without a decision, for public keys. */
  private final ToLongFunction<NoiseSource> unitNoise;

  private final ValueMechanism groupCount;
  private final Optional<PartitionSelection> remainderSelection;
  private final List<ValueMechanism> valueMechanisms;
  private final List<ValueMechanism> divisorMechanisms;
  private final List<ColumnNoise> noiseReport;
  private final List<Spending> spent;
  private final ReleaseAccounting accounting;
  private final int[] aggregateFields;
  private final int[] groupKeyFields;
  private final Comparator<Object[]> releasedOrder;
  private final int averageColumns;

  private Releaser(ReleaseSpec spec) {
    this.spec = spec;
    QueryPrivacyParameters parameters = spec.parameters();
    int groups = parameters.maxGroupsContributed();
    boolean publicKeys = spec.rule() instanceof ReleaseRule.PublicKeys;
    boolean remainder = parameters.releaseRemainder() && !publicKeys;
    boolean suppressedCount = spec.options().suppressedGroups();
    int shares = 1 + (remainder ? 1 : 0) + (suppressedCount ? 1 : 0);
    for (ReleaseColumn column : spec.columns()) {
      validate(column);
      shares += sharesOf(column.role());
    }
    this.epsilonShare = Rational.of(parameters.epsilon()).divide(Rational.of(shares, 1));
    double groupDelta = remainder ? parameters.delta() / 2 : parameters.delta();
    PartitionSelection laplaceSelection =
        PartitionSelection.builder()
            .epsilon(epsilonShare)
            .delta(groupDelta)
            .maxGroupsContributed(groups)
            .minimumDistinctUnits(parameters.minimumDistinctUnits())
            .build();
    this.groupSelection = laplaceSelection;
    this.unitNoise = laplaceSelection.noise()::sample;
    // One unit can add at most maxGroupsContributed groups to the exact rows.
    this.groupCount = integerMechanism(BigDecimal.ONE, groups);
    this.remainderSelection =
        remainder
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
        case DISTINCT_UNITS -> report.add(selectionNoise(column, laplaceSelection));
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
        case HISTOGRAM -> {
          value = QuantileHistogram.mechanism(epsilonShare, groups);
          report.add(QuantileHistogram.noise(column, value, epsilonShare));
        }
      }
      values.add(value);
      divisors.add(divisor);
    }
    this.valueMechanisms = new ArrayList<>(values);
    this.divisorMechanisms = new ArrayList<>(divisors);
    this.noiseReport = List.copyOf(report);
    this.spent = spending(spec, epsilonShare, publicKeys, remainder, suppressedCount, groupDelta);
    this.accounting =
        ReleaseAccounting.laplace(
            "laplace", parameters.epsilon(), publicKeys ? 0 : parameters.delta());
    this.aggregateFields =
        spec.columns().stream()
            .filter(column -> sharesOf(column.role()) > 0)
            .flatMapToInt(
                column ->
                    switch (column.role()) {
                      case AVG -> IntStream.of(column.valueField(), column.countField());
                      case HISTOGRAM ->
                          IntStream.rangeClosed(
                              column.valueField(), QuantileHistogram.lastField(column));
                      default -> IntStream.of(column.valueField());
                    })
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

  /** The same query released with other mechanisms, on the same split of ε. */
  private Releaser(Releaser laplace, AlternativeMechanisms.Mechanisms mechanisms) {
    this.spec = laplace.spec;
    this.epsilonShare = mechanisms.epsilonShare();
    this.groupSelection = mechanisms.selection();
    // Public keys never use the truncated geometric (it has no noisy count to show).
    this.unitNoise =
        mechanisms.selection() instanceof GaussianThresholding gaussian
            ? gaussian.noise()::sample
            : laplace.unitNoise;
    this.groupCount = mechanisms.groupCount();
    this.remainderSelection = laplace.remainderSelection;
    this.valueMechanisms = mechanisms.values();
    this.divisorMechanisms = mechanisms.divisors();
    this.noiseReport = List.copyOf(mechanisms.noiseReport());
    this.accounting = mechanisms.accounting();
    this.spent = mechanisms.spent();
    this.aggregateFields = laplace.aggregateFields;
    this.groupKeyFields = laplace.groupKeyFields;
    this.releasedOrder = laplace.releasedOrder;
    this.averageColumns = laplace.averageColumns;
  }

  /** Prepares the release of one query; fails if the spec cannot be released privately. */
  public static Releaser forSpec(ReleaseSpec spec) {
    Releaser laplace = new Releaser(requireNonNull(spec, "spec is null"));
    return MechanismChoice.choose(laplace)
        .map(chosen -> new Releaser(laplace, chosen))
        .orElse(laplace);
  }

  /** The spec this releases. */
  ReleaseSpec spec() {
    return spec;
  }

  /** The rule that decides which groups are released. */
  public GroupSelection groupSelection() {
    return groupSelection;
  }

  /** Which mechanism this releases with, its ρ and how δ is split; data-independent. */
  public ReleaseAccounting accounting() {
    return accounting;
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

  /** What each part of the epsilon and delta pays for; data-independent, as explain shows it. */
  public List<Spending> spent() {
    return spent;
  }

  /** The epsilon of one share (see the class comment). */
  public Rational epsilonShare() {
    return epsilonShare;
  }

  /**
   * The noisy distinct-unit count a group must reach; under public keys, the noisy count from which
   * a key's aggregates are shown (k).
   */
  public long threshold() {
    return spec.rule() instanceof ReleaseRule.PublicKeys
        ? spec.parameters().minimumDistinctUnits()
        : groupSelection.threshold();
  }

  /**
   * For the {@link ColumnRole#AVG} column at {@code column} (its index in the spec), the 95%
   * half-width of the noise on the count it divides by; empty for other columns.
   */
  public Optional<BigDecimal> divisorHalfWidth(int column) {
    ValueMechanism divisor = divisorMechanisms.get(column);
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
    return spec.rule() instanceof ReleaseRule.PublicKeys keys
        ? releasePublicKeys(keys, exact, source)
        : releaseByThreshold(exact, source);
  }

  /** Each group shown if it passes the noisy threshold; the rest can form the remainder row. */
  private ReleasedResult releaseByThreshold(List<Object[]> exact, NoiseSource source) {
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
    OptionalLong suppressedGroups =
        noisedGroupCount(exact.size(), source)
            .map(noisyGroups -> OptionalLong.of(Math.max(0, noisyGroups - released.size())))
            .orElse(OptionalLong.empty());
    Optional<Object[]> remainder =
        remainderSelection.flatMap(selection -> remainderRow(selection, suppressed, source));
    return result(released, remainder, suppressedGroups, spec.parameters().delta(), threshold());
  }

  /**
   * Every key combination of the rule shown, with noised zeros where the data has no row; the
   * data's rows outside the key set go to the other row when it is asked for, else nowhere.
   */
  private ReleasedResult releasePublicKeys(
      ReleaseRule.PublicKeys keys, List<Object[]> exact, NoiseSource source) {
    List<Object[]> combinations = keys.combinations();
    Map<List<Object>, Object[]> byKey = new HashMap<>();
    for (Object[] combination : combinations) {
      Object[] zeros = new Object[width()];
      System.arraycopy(combination, 0, zeros, 0, combination.length);
      byKey.put(keyOf(zeros, combination.length), zeros);
    }
    int keyFields = keys.keySets().size();
    List<Object[]> outside = new ArrayList<>();
    for (Object[] row : exact) {
      List<Object> key = keyOf(row, keyFields);
      if (byKey.containsKey(key)) {
        byKey.put(key, row);
      } else {
        outside.add(row);
      }
    }
    long minimum = spec.parameters().minimumDistinctUnits();
    List<Object[]> released = new ArrayList<>();
    // One noise draw per key, in the keys' canonical order: the same work whatever the data.
    for (Object[] combination : combinations) {
      // The key shown is the key set's own value, never the engine's (whose type could differ
      // between keys with and without rows, and so order the rows by the data).
      Object[] row = byKey.get(keyOf(combination, keyFields)).clone();
      System.arraycopy(combination, 0, row, 0, keyFields);
      long noisyUnits =
          integerField(row, spec.distinctUnitsField()) + unitNoise.applyAsLong(source);
      Object[] noisy = noisedRow(row, noisyUnits, false, source);
      released.add(noisyUnits >= minimum ? noisy : withoutAggregates(noisy));
    }
    released.sort(releasedOrder);
    OptionalLong suppressedGroups =
        noisedGroupCount(outside.size(), source)
            .map(noisyGroups -> OptionalLong.of(Math.max(0, noisyGroups)))
            .orElse(OptionalLong.empty());
    Optional<Object[]> other = Optional.empty();
    if (spec.options().otherRow()) {
      Object[] sums = summed(outside);
      long noisyUnits =
          integerField(sums, spec.distinctUnitsField()) + unitNoise.applyAsLong(source);
      Object[] noisy = noisedRow(sums, noisyUnits, true, source);
      long otherMinimum =
          Math.addExact(
              Math.multiplyExact((long) spec.parameters().maxGroupsContributed(), minimum - 1), 1);
      other = Optional.of(noisyUnits >= otherMinimum ? noisy : withoutAggregates(noisy));
    }
    // No δ for the release decision; Gaussian noise still spends its conversion's δ.
    return result(released, other, suppressedGroups, accounting.delta(), minimum);
  }

  private ReleasedResult result(
      List<Object[]> released,
      Optional<Object[]> extraRow,
      OptionalLong suppressedGroups,
      double deltaSpent,
      long threshold) {
    return new ReleasedResult(
        released,
        extraRow,
        suppressedGroups,
        noiseReport,
        spec.parameters().epsilon(),
        deltaSpent,
        threshold,
        spent,
        spec.rule(),
        accounting);
  }

  /** The noised number of groups, when the query asked for it (sensitivity m). */
  private Optional<Long> noisedGroupCount(int groups, NoiseSource source) {
    if (!spec.options().suppressedGroups()) {
      return Optional.empty();
    }
    return Optional.of(groupCount.release(BigDecimal.valueOf(groups), source).longValueExact());
  }

  /** A released row whose aggregates are withheld: its keys stay, every other value is NULL. */
  private Object[] withoutAggregates(Object[] noisy) {
    List<ReleaseColumn> columns = spec.columns();
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).role() != ColumnRole.GROUP_KEY) {
        noisy[i] = null;
      }
    }
    return noisy;
  }

  /**
   * A row's group key as a comparable list: whole numbers as {@link Long}, so that an engine's
   * {@code Integer} and a published {@code Long} are one key.
   */
  private static List<Object> keyOf(Object[] row, int keyFields) {
    List<Object> key = new ArrayList<>(keyFields);
    for (int field = 0; field < keyFields; field++) {
      Object value = field(row, field);
      if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
        value = ((Number) value).longValue();
      } else if (value instanceof Character character) {
        value = character.toString();
      }
      key.add(value);
    }
    return key;
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
    Object[] sums = summed(suppressed);
    long unitSum = integerField(sums, spec.distinctUnitsField());
    OptionalLong noisyUnits = selection.select(unitSum, source);
    Object[] noisy = noisedRow(sums, noisyUnits.orElse(0), true, source);
    return noisyUnits.isPresent() ? Optional.of(noisy) : Optional.empty();
  }

  /** The exact rows added up field by field: aggregates and the distinct-unit count; no keys. */
  private Object[] summed(List<Object[]> rows) {
    Object[] sums = new Object[width()];
    long unitSum = 0;
    for (Object[] row : rows) {
      unitSum = Math.addExact(unitSum, integerField(row, spec.distinctUnitsField()));
      for (int field : aggregateFields) {
        BigDecimal current = sums[field] == null ? BigDecimal.ZERO : (BigDecimal) sums[field];
        sums[field] = current.add(decimalField(row, field));
      }
    }
    sums[spec.distinctUnitsField()] = unitSum;
    return sums;
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
            case HISTOGRAM ->
                QuantileHistogram.release(
                    column, exact, valueMechanisms.get(i), source, Releaser::decimalField);
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

  private ColumnNoise selectionNoise(ReleaseColumn column, PartitionSelection groupSelection) {
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

  /** The spending list of a release that splits ε into equal shares of {@code epsilonShare}. */
  static List<Spending> spending(
      ReleaseSpec spec,
      Rational epsilonShare,
      boolean publicKeys,
      boolean remainder,
      boolean suppressedCount,
      double groupDelta) {
    BigDecimal share = epsilonShare.toBigDecimal(MathContext.DECIMAL64).stripTrailingZeros();
    List<Spending> list = new ArrayList<>();
    list.add(
        publicKeys
            ? new Spending("distinct people per key (k applied after noise)", share, 0)
            : new Spending("group release and distinct people", share, groupDelta));
    for (ReleaseColumn column : spec.columns()) {
      switch (column.role()) {
        case GROUP_KEY, DISTINCT_UNITS -> {}
        case COUNT, SUM -> list.add(new Spending("column " + column.name(), share, 0));
        case HISTOGRAM ->
            list.add(new Spending("histogram " + column.name() + " (its quantiles)", share, 0));
        case AVG ->
            list.add(
                new Spending(
                    "column " + column.name() + " (its sum and its count)",
                    epsilonShare
                        .add(epsilonShare)
                        .toBigDecimal(MathContext.DECIMAL64)
                        .stripTrailingZeros(),
                    0));
      }
    }
    if (remainder) {
      list.add(new Spending("remainder row release", share, spec.parameters().delta() / 2));
    }
    if (suppressedCount) {
      list.add(new Spending("suppressed-group count", share, 0));
    }
    return List.copyOf(list);
  }

  private static int sharesOf(ColumnRole role) {
    return switch (role) {
      case GROUP_KEY, DISTINCT_UNITS -> 0;
      case COUNT, SUM, HISTOGRAM -> 1;
      case AVG -> 2;
    };
  }

  private void validate(ReleaseColumn column) {
    switch (column.role()) {
      case GROUP_KEY, SUM, HISTOGRAM -> {}
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
      if (column.role() == ColumnRole.HISTOGRAM) {
        width = Math.max(width, QuantileHistogram.lastField(column) + 1);
      }
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
