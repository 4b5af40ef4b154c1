package dev.cleanroom.querypolicy.lineage;

import dev.cleanroom.querypolicy.analysis.ViolationCode;
import dev.cleanroom.querypolicy.lineage.PerPersonBounds.Interval;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.MetricAggregate;
import dev.cleanroom.querypolicy.policy.MetricBounds;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Checks an aggregate over per-person rows: the inner block must group by the person, so each of
 * its rows is one person's; its aggregates and filters read only that person's rows; the outer
 * block never reads the person's identifier, and every per-person value it sums or groups by is
 * bounded by the query itself.
 */
final class PerPersonChecker {
  private static final String HOW_TO_BOUND =
      " is a count or sum per person and can be any size: clamp it, e.g. LEAST(n, 10) or"
          + " GREATEST(LEAST(x, 100), 0), or bucket it with a CASE whose every result is a literal"
          + " or clamped";

  private final LineageChecker checker;
  private final FlatQuery flat;
  private final PerPersonBlock block;

  /** Per field of the per-person row: the base column naming the person, or {@code null}. */
  private final List<BaseColumn> personKey = new ArrayList<>();

  /** Per field: the range of its values. */
  private final List<Interval> ranges = new ArrayList<>();

  /** Per field: a dimension or a MIN/MAX of dimensions, which may be a group key as it is. */
  private final List<Boolean> dimensionLike = new ArrayList<>();

  private PerPersonChecker(LineageChecker checker, FlatQuery flat) {
    this.checker = checker;
    this.flat = flat;
    this.block = flat.perPerson();
  }

  /**
   * Checks the per-person block and the outer block over it, adds the outer measures to {@code
   * measures}, and returns the checked per-person rows ({@code null} after a violation).
   */
  static PerPersonRows check(LineageChecker checker, FlatQuery flat, List<Measure> measures) {
    return new PerPersonChecker(checker, flat).run(measures);
  }

  private PerPersonRows run(List<Measure> measures) {
    boolean groupedByPerson = false;
    List<Interval> baseRanges = Collections.nCopies(flat.columns().size(), Interval.UNBOUNDED);
    for (RexNode key : block.groupKeys()) {
      Integer column = LineageChecker.plainColumn(key);
      if (column != null && LineageChecker.identifiesUnit(flat.columns().get(column))) {
        groupedByPerson = true;
        personKey.add(flat.columns().get(column));
        ranges.add(Interval.UNBOUNDED);
        dimensionLike.add(false);
      } else {
        checker.checkExpression(key, LineageChecker.Usage.GROUP_KEY);
        personKey.add(null);
        ranges.add(PerPersonBounds.of(key, baseRanges));
        dimensionLike.add(true);
      }
    }
    if (!groupedByPerson) {
      checker.add(
          ViolationCode.NESTED_AGGREGATION,
          null,
          SourcePositions.Position.START,
          "an aggregate over an aggregated sub-query is supported only over per-person rows:"
              + " GROUP BY the privacy unit (or a join key linked to it) in the sub-query");
      // One (empty) measure per output aggregate, so the outputs are not refused a second time.
      flat.aggregates().forEach(aggregate -> measures.add(null));
      return null;
    }
    List<PerPersonRows.Aggregate> aggregates = new ArrayList<>();
    RexNode distinctArgument = null;
    boolean valid = true;
    for (AggregateUse use : block.aggregates()) {
      PerPersonRows.Aggregate aggregate = innerAggregate(use, baseRanges);
      personKey.add(null);
      if (aggregate == null) {
        valid = false;
        ranges.add(Interval.UNBOUNDED);
        dimensionLike.add(false);
        continue;
      }
      if (aggregate.kind() == PerPersonRows.Kind.COUNT_DISTINCT) {
        if (distinctArgument != null && !distinctArgument.equals(aggregate.argument())) {
          valid = false;
          checker.add(
              ViolationCode.UNSUPPORTED_CONSTRUCT,
              null,
              checker.positions().ofColumn(null, "DISTINCT"),
              "a per-person sub-query may count the distinct values of one expression only");
        }
        distinctArgument = aggregate.argument();
      }
      aggregates.add(aggregate);
      ranges.add(range(aggregate, baseRanges));
      dimensionLike.add(
          (aggregate.kind() == PerPersonRows.Kind.MIN || aggregate.kind() == PerPersonRows.Kind.MAX)
              && !readsMetric(aggregate.argument()));
    }
    List<RexNode> filters = new ArrayList<>();
    for (RexNode filter : block.filters()) {
      for (RexNode conjunct : RelOptUtil.conjunctions(filter)) {
        checkPerPersonExpression(conjunct, LineageChecker.Usage.FILTER);
        filters.add(conjunct);
      }
    }
    for (RexNode key : flat.groupKeys()) {
      // A key on the person's identifier is refused as such; whether it is bounded is beside it.
      if (!checkPerPersonExpression(key, LineageChecker.Usage.GROUP_KEY)
          && !PerPersonBounds.boundedKey(key, ranges, dimensionLike::get)) {
        unbounded("a GROUP BY key over per-person values");
      }
    }
    for (AggregateUse aggregate : flat.aggregates()) {
      measures.add(outerMeasure(aggregate));
    }
    if (!valid) {
      return null;
    }
    return new PerPersonRows(block.groupKeys(), aggregates, filters, block.types());
  }

  /** One inner aggregate, or {@code null} after a violation. */
  private PerPersonRows.Aggregate innerAggregate(AggregateUse use, List<Interval> baseRanges) {
    SqlKind kind = use.function().getKind();
    String name = use.function().getName();
    if (use.hasClause()) {
      checker.add(
          ViolationCode.AGGREGATE_CLAUSE_NOT_ALLOWED,
          null,
          checker.positions().ofColumn(null, name),
          "FILTER and WITHIN GROUP clauses on " + name + " are not supported; use CASE inside it");
      return null;
    }
    if (use.arguments().size() > 1) {
      checker.add(
          ViolationCode.UNSUPPORTED_CONSTRUCT,
          null,
          checker.positions().ofColumn(null, name),
          name + " with several arguments is not supported");
      return null;
    }
    RexNode argument = use.arguments().isEmpty() ? null : use.arguments().get(0);
    if (argument != null) {
      checker.checkExpression(argument, LineageChecker.Usage.AGGREGATE);
    }
    PerPersonRows.Kind perPersonKind =
        switch (kind) {
          case COUNT ->
              argument == null
                  ? PerPersonRows.Kind.COUNT_ROWS
                  : use.distinct()
                      ? PerPersonRows.Kind.COUNT_DISTINCT
                      : PerPersonRows.Kind.COUNT_VALUES;
          case SUM, SUM0 -> use.distinct() ? null : PerPersonRows.Kind.SUM;
          case MIN -> PerPersonRows.Kind.MIN;
          case MAX -> PerPersonRows.Kind.MAX;
          default -> null;
        };
    if (perPersonKind == null) {
      checker.add(
          ViolationCode.AGGREGATE_NOT_ALLOWED,
          null,
          checker.positions().ofColumn(null, name),
          (use.distinct() ? name + "(DISTINCT ...)" : name)
              + " is not supported per person: use COUNT, COUNT(DISTINCT ...), SUM, MIN or MAX"
              + " in the sub-query (an average per person is a SUM and a COUNT)");
      return null;
    }
    MetricAggregate policyKind =
        switch (perPersonKind) {
          case COUNT_ROWS, COUNT_VALUES, COUNT_DISTINCT -> MetricAggregate.COUNT;
          case SUM -> MetricAggregate.SUM;
          case MIN, MAX -> null;
        };
    if (argument != null) {
      for (int index : RelOptUtil.InputFinder.bits(argument)) {
        BaseColumn column = flat.columns().get(index);
        if (!isMetric(column)) {
          continue;
        }
        if (policyKind == null || !column.policy().allowedAggregates().contains(policyKind)) {
          checker.add(
              ViolationCode.AGGREGATE_NOT_ALLOWED,
              column.qualifiedName(),
              checker.positionOf(column),
              policyKind == null
                  ? name
                      + " of a metric picks one person's raw value; per person, MIN and MAX"
                      + " may read dimensions only"
                  : "the policy allows only "
                      + column.policy().allowedAggregates()
                      + " over "
                      + column.qualifiedName()
                      + ", not "
                      + policyKind);
          return null;
        }
      }
    }
    if (perPersonKind == PerPersonRows.Kind.SUM
        && !(SqlTypeUtil.isIntType(argument.getType())
            || SqlTypeUtil.isApproximateNumeric(argument.getType()))) {
      checker.add(
          ViolationCode.FUNCTION_NOT_ALLOWED,
          null,
          checker.positions().ofColumn(null, name),
          "a per-person SUM runs over integers or DOUBLE only, so it can neither fail nor round:"
              + " CAST the argument AS DOUBLE");
      return null;
    }
    return new PerPersonRows.Aggregate(perPersonKind, argument);
  }

  private static Interval range(PerPersonRows.Aggregate aggregate, List<Interval> baseRanges) {
    return switch (aggregate.kind()) {
      case COUNT_ROWS, COUNT_VALUES, COUNT_DISTINCT -> Interval.of(java.math.BigDecimal.ZERO, null);
      case SUM -> PerPersonBounds.of(aggregate.argument(), baseRanges).ofSums();
      case MIN, MAX -> PerPersonBounds.of(aggregate.argument(), baseRanges);
    };
  }

  /** An outer aggregate over the per-person rows, or {@code null} after a violation. */
  private Measure outerMeasure(AggregateUse aggregate) {
    SqlKind kind = aggregate.function().getKind();
    String name = aggregate.function().getName();
    if (aggregate.hasClause()) {
      checker.add(
          ViolationCode.AGGREGATE_CLAUSE_NOT_ALLOWED,
          null,
          checker.positions().ofColumn(null, name),
          "FILTER and WITHIN GROUP clauses on " + name + " are not supported; use CASE inside it");
      return null;
    }
    if (kind == SqlKind.COUNT && aggregate.distinct()) {
      Integer field =
          aggregate.arguments().size() == 1
              ? LineageChecker.plainColumn(aggregate.arguments().get(0))
              : null;
      if (field != null && personKey.get(field) != null) {
        return new Measure(Measure.Kind.DISTINCT_UNITS, null, null, null);
      }
      aggregate
          .arguments()
          .forEach(a -> checkPerPersonExpression(a, LineageChecker.Usage.AGGREGATE));
      checker.add(
          ViolationCode.DISTINCT_NOT_ON_UNIT,
          null,
          checker.positions().ofColumn(null, "DISTINCT"),
          "COUNT(DISTINCT ...) over per-person rows is supported only on the person's key");
      return null;
    }
    if (aggregate.arguments().size() > 1 || aggregate.distinct()) {
      checker.add(
          ViolationCode.AGGREGATE_NOT_ALLOWED,
          null,
          checker.positions().ofColumn(null, name),
          name + " is not allowed over per-person rows: only COUNT, SUM and AVG are released");
      return null;
    }
    RexNode argument = aggregate.arguments().isEmpty() ? null : aggregate.arguments().get(0);
    if (argument != null) {
      checkPerPersonExpression(argument, LineageChecker.Usage.AGGREGATE);
    }
    switch (kind) {
      case COUNT -> {
        return argument == null
            ? new Measure(Measure.Kind.COUNT_ROWS, null, null, null)
            : new Measure(Measure.Kind.COUNT_VALUES, argument, null, null);
      }
      case SUM, SUM0, AVG -> {
        Interval range = PerPersonBounds.of(argument, ranges);
        if (!SqlTypeUtil.isNumeric(argument.getType()) || !range.bounded()) {
          unbounded("the argument of " + name);
          return null;
        }
        return new Measure(
            kind == SqlKind.AVG ? Measure.Kind.AVG : Measure.Kind.SUM,
            argument,
            new MetricBounds(range.lower(), range.upper()),
            "a per-person value");
      }
      default -> {
        checker.add(
            ViolationCode.AGGREGATE_NOT_ALLOWED,
            null,
            checker.positions().ofColumn(null, name),
            name + " is not allowed: only COUNT, SUM and AVG are released");
        return null;
      }
    }
  }

  /**
   * An expression over the per-person row: functions on the allow-list, and the person's key
   * nowhere (it is how the rewrite tells people apart, never a value the analyst sees). Returns
   * whether it reads the person's key.
   */
  private boolean checkPerPersonExpression(RexNode expression, LineageChecker.Usage usage) {
    checker.checkCalls(expression);
    boolean readsPerson = false;
    for (int field : RelOptUtil.InputFinder.bits(expression)) {
      BaseColumn person = personKey.get(field);
      if (person != null) {
        checker.checkColumn(person, usage);
        readsPerson = true;
      }
    }
    return readsPerson;
  }

  private void unbounded(String what) {
    checker.add(
        ViolationCode.PER_PERSON_VALUE_UNBOUNDED,
        null,
        SourcePositions.Position.START,
        what + HOW_TO_BOUND);
  }

  private boolean readsMetric(RexNode expression) {
    for (int index : RelOptUtil.InputFinder.bits(expression)) {
      if (isMetric(flat.columns().get(index))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isMetric(BaseColumn column) {
    return column.policy() != null && column.policy().columnClass() == ColumnClass.METRIC;
  }
}
