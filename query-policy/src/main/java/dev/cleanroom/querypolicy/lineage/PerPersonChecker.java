package dev.cleanroom.querypolicy.lineage;

import dev.cleanroom.querypolicy.analysis.ViolationCode;
import dev.cleanroom.querypolicy.lineage.PerPersonBounds.Interval;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.MetricAggregate;
import dev.cleanroom.querypolicy.policy.MetricBounds;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Checks an aggregate over per-person rows: the inner block must group by the person, so each of
 * its rows is one person's; its aggregates and filters read only that person's rows; the outer
 * block never reads the person's identifier, and every per-person value it sums or groups by is
 * bounded by the query itself. The outer block may instead LEFT JOIN the unit's own table to the
 * per-person rows (exposed versus unexposed), when they are grouped by the person's key alone.
 */
final class PerPersonChecker {
  private static final String HOW_TO_BOUND =
      " is a count or sum per person and can be any size: clamp it, e.g. LEAST(n, 10) or"
          + " GREATEST(LEAST(x, 100), 0), or bucket it with a CASE whose every result is a literal"
          + " or clamped";

  private final LineageChecker checker;
  private final FlatQuery flat;
  private final PerPersonBlock block;

  /** Where per-person fields start in the outer block's expressions; base columns below. */
  private final int offset;

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
    this.offset = block.leftJoin() == null ? 0 : block.leftJoin().offset();
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
        BaseColumn person = flat.columns().get(column);
        if (!onlyPersonColumnOfItsTable(column)) {
          // With two keys naming people (a buyer and a recipient), the rewrite bounds the person
          // of the table's first key: rows grouped by the other would belong to several people.
          checker.add(
              ViolationCode.UNSUPPORTED_CONSTRUCT,
              person.qualifiedName(),
              checker.positionOf(person),
              person.table()
                  + " names people in more than one column, so a per-person sub-query of it is not"
                  + " supported: each of its rows would belong to several people");
          flat.aggregates().forEach(aggregate -> measures.add(null));
          return null;
        }
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
      PerPersonRows.Aggregate aggregate = innerAggregate(use);
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
        // The sub-query's HAVING (and, without a join, the outer WHERE) reads the per-person row.
        check(conjunct, LineageChecker.Usage.FILTER, 0);
        filters.add(conjunct);
      }
    }
    PerPersonRows.LeftJoin leftJoin = null;
    if (block.leftJoin() != null) {
      leftJoin = checkLeftJoin();
      valid &= leftJoin != null;
    }
    List<Interval> outerRanges = new ArrayList<>(Collections.nCopies(offset, Interval.UNBOUNDED));
    outerRanges.addAll(ranges);
    for (RexNode key : flat.groupKeys()) {
      // A key on the person's identifier is refused as such; whether it is bounded is beside it.
      if (!check(key, LineageChecker.Usage.GROUP_KEY, offset)
          && !PerPersonBounds.boundedKey(
              key, outerRanges, field -> field < offset || dimensionLike.get(field - offset))) {
        unbounded("a GROUP BY key over per-person values");
      }
    }
    for (AggregateUse aggregate : flat.aggregates()) {
      measures.add(outerMeasure(aggregate, outerRanges));
    }
    if (!valid) {
      return null;
    }
    return new PerPersonRows(block.groupKeys(), aggregates, filters, block.types(), leftJoin);
  }

  /**
   * {@code unitTable LEFT JOIN (per-person sub-query) ON unitTable.key = sub-query key}: the left
   * side is the unit's own table alone, the sub-query reads one other table and groups by the key
   * that names the person alone (so each row of the unit's table meets at most one of its rows),
   * and the condition is that key pair, declared by both policies.
   */
  private PerPersonRows.LeftJoin checkLeftJoin() {
    String shape =
        "a LEFT JOIN is allowed only from the unit's own table (alone or joined on the person's"
            + " keys) to a sub-query of one other table grouped by the key that names the person"
            + " alone, ON the declared key pair";
    // The left side: the unit's own table, alone or inner-joined on the person's keys (checked
    // as any join); the right side: the sub-query of one more table, the last scan.
    List<Scan> scans = flat.scans();
    Scan other = scans.get(scans.size() - 1);
    boolean oneTableRight = block.leftJoin().leftScans() == scans.size() - 1;
    Scan unitTable =
        scans.subList(0, block.leftJoin().leftScans()).stream()
            .filter(
                scan ->
                    scan.policy() != null
                        && scan.policy().columns().stream()
                            .anyMatch(c -> c.columnClass() == ColumnClass.PRIVACY_UNIT))
            .findFirst()
            .orElse(null);
    boolean oneRowPerPerson =
        block.groupKeys().size() == 1
            && personKey.get(0) != null
            && personKey.get(0).scan() == scans.size() - 1
            && other.offset() + other.width() == offset;
    if (!oneTableRight || unitTable == null || !oneRowPerPerson) {
      checker.add(ViolationCode.JOIN_TYPE_NOT_ALLOWED, null, SourcePositions.Position.START, shape);
      return null;
    }
    RexNode condition = block.leftJoin().condition();
    Integer left = null;
    boolean onKey = false;
    if (condition.getKind() == SqlKind.EQUALS) {
      List<RexNode> operands = ((RexCall) condition).getOperands();
      Integer first = LineageChecker.plainColumn(operands.get(0));
      Integer second = LineageChecker.plainColumn(operands.get(1));
      if (first != null && second != null) {
        left = first < offset ? first : second < offset ? second : null;
        int right = first < offset ? second : first;
        onKey =
            left != null
                && left >= unitTable.offset()
                && left < unitTable.offset() + unitTable.width()
                && right == offset;
      }
    }
    if (!onKey) {
      checker.add(ViolationCode.JOIN_TYPE_NOT_ALLOWED, null, SourcePositions.Position.START, shape);
      return null;
    }
    BaseColumn tableKey = flat.columns().get(left);
    BaseColumn personColumn = personKey.get(0);
    ColumnPolicy keyPolicy = tableKey.policy();
    boolean declared =
        keyPolicy != null
            && (keyPolicy.columnClass() == ColumnClass.JOIN_KEY
                || keyPolicy.columnClass() == ColumnClass.PRIVACY_UNIT)
            && unitTable
                .policy()
                .allowsJoin(tableKey.name(), personColumn.table(), personColumn.name())
            && other.policy().allowsJoin(personColumn.name(), tableKey.table(), tableKey.name());
    if (!declared) {
      checker.add(
          ViolationCode.JOIN_NOT_ON_DECLARED_KEYS,
          tableKey.qualifiedName(),
          checker.positionOf(tableKey),
          "the join "
              + tableKey.qualifiedName()
              + " = "
              + personColumn.qualifiedName()
              + " is not declared by both tables' policies");
      return null;
    }
    if (tableKey.type().getSqlTypeName() != personColumn.type().getSqlTypeName()) {
      checker.add(
          ViolationCode.UNSUPPORTED_CONSTRUCT,
          tableKey.qualifiedName(),
          checker.positionOf(tableKey),
          "a LEFT JOIN to per-person rows joins keys of one type: "
              + tableKey.qualifiedName()
              + " and "
              + personColumn.qualifiedName()
              + " differ");
      return null;
    }
    List<RexNode> outerFilters = new ArrayList<>();
    for (RexNode filter : block.leftJoin().outerFilters()) {
      for (RexNode conjunct : RelOptUtil.conjunctions(filter)) {
        check(conjunct, LineageChecker.Usage.FILTER, offset);
        outerFilters.add(conjunct);
      }
    }
    return new PerPersonRows.LeftJoin(offset, left, outerFilters);
  }

  /** Whether base column {@code index} is the one column of its table that names a person. */
  private boolean onlyPersonColumnOfItsTable(int index) {
    Scan scan = flat.scans().get(flat.columns().get(index).scan());
    for (int i = scan.offset(); i < scan.offset() + scan.width(); i++) {
      if (i != index && LineageChecker.identifiesUnit(flat.columns().get(i))) {
        return false;
      }
    }
    return true;
  }

  /** Refuses a {@code FILTER} or {@code WITHIN GROUP} clause; whether there was one. */
  private boolean refusedClause(AggregateUse aggregate, String name) {
    if (!aggregate.hasClause() && aggregate.filter() == null) {
      return false;
    }
    checker.add(
        ViolationCode.AGGREGATE_CLAUSE_NOT_ALLOWED,
        null,
        checker.positions().ofColumn(null, name),
        "FILTER and WITHIN GROUP clauses on "
            + name
            + " are not supported in a per-person query; use CASE inside it");
    return true;
  }

  /** One inner aggregate, or {@code null} after a violation. */
  private PerPersonRows.Aggregate innerAggregate(AggregateUse use) {
    SqlKind kind = use.function().getKind();
    String name = use.function().getName();
    if (refusedClause(use, name)) {
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
      case COUNT_ROWS, COUNT_VALUES, COUNT_DISTINCT -> Interval.of(BigDecimal.ZERO, null);
      case SUM -> PerPersonBounds.of(aggregate.argument(), baseRanges).ofSums();
      case MIN, MAX -> PerPersonBounds.of(aggregate.argument(), baseRanges);
    };
  }

  /** An outer aggregate over the per-person rows, or {@code null} after a violation. */
  private Measure outerMeasure(AggregateUse aggregate, List<Interval> outerRanges) {
    SqlKind kind = aggregate.function().getKind();
    String name = aggregate.function().getName();
    if (refusedClause(aggregate, name)) {
      return null;
    }
    if (kind == SqlKind.COUNT && aggregate.distinct()) {
      Integer ref =
          aggregate.arguments().size() == 1
              ? LineageChecker.plainColumn(aggregate.arguments().get(0))
              : null;
      boolean unit =
          ref != null
              && (ref < offset
                  ? LineageChecker.identifiesUnit(flat.columns().get(ref))
                  // Without a join every per-person row has its person; after a LEFT JOIN, the
                  // sub-query's key is NULL for the people it has no row for.
                  : block.leftJoin() == null && personKey.get(ref - offset) != null);
      if (unit) {
        return new Measure(Measure.Kind.DISTINCT_UNITS, null, null, null);
      }
      if (aggregate.arguments().stream()
          .noneMatch(a -> check(a, LineageChecker.Usage.AGGREGATE, offset))) {
        checker.add(
            ViolationCode.DISTINCT_NOT_ON_UNIT,
            null,
            checker.positions().ofColumn(null, "DISTINCT"),
            "COUNT(DISTINCT ...) over per-person rows is supported only on the person's key");
      }
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
    if (argument != null && check(argument, LineageChecker.Usage.AGGREGATE, offset)) {
      return null;
    }
    MetricAggregate allowedKind =
        switch (kind) {
          case COUNT -> MetricAggregate.COUNT;
          case SUM, SUM0 -> MetricAggregate.SUM;
          case AVG -> MetricAggregate.AVG;
          default -> null;
        };
    if (allowedKind == null) {
      checker.add(
          ViolationCode.AGGREGATE_NOT_ALLOWED,
          null,
          checker.positions().ofColumn(null, name),
          name + " is not allowed: only COUNT, SUM and AVG are released");
      return null;
    }
    Set<BaseColumn> metrics = new LinkedHashSet<>();
    if (argument != null) {
      for (int ref : RelOptUtil.InputFinder.bits(argument)) {
        if (ref < offset && isMetric(flat.columns().get(ref))) {
          metrics.add(flat.columns().get(ref));
        }
      }
    }
    for (BaseColumn metric : metrics) {
      if (!metric.policy().allowedAggregates().contains(allowedKind)) {
        checker.add(
            ViolationCode.AGGREGATE_NOT_ALLOWED,
            metric.qualifiedName(),
            checker.positionOf(metric),
            "the policy allows only "
                + metric.policy().allowedAggregates()
                + " over "
                + metric.qualifiedName()
                + ", not "
                + allowedKind);
        return null;
      }
    }
    if (allowedKind == MetricAggregate.COUNT) {
      return argument == null
          ? new Measure(Measure.Kind.COUNT_ROWS, null, null, null)
          : new Measure(Measure.Kind.COUNT_VALUES, argument, null, null);
    }
    Measure.Kind measureKind = kind == SqlKind.AVG ? Measure.Kind.AVG : Measure.Kind.SUM;
    if (metrics.size() > 1) {
      BaseColumn second = new ArrayList<>(metrics).get(1);
      checker.add(
          ViolationCode.MULTIPLE_METRICS_IN_AGGREGATE,
          second.qualifiedName(),
          checker.positionOf(second),
          name + " reads several metrics; aggregate each metric on its own");
      return null;
    }
    if (metrics.size() == 1) {
      // A metric of the unit's own table: its declared bounds, as in any query.
      BaseColumn metric = metrics.iterator().next();
      return new Measure(measureKind, argument, metric.policy().bounds(), metric.qualifiedName());
    }
    Interval range = PerPersonBounds.of(argument, outerRanges);
    if (!SqlTypeUtil.isNumeric(argument.getType()) || !range.bounded()) {
      unbounded("the argument of " + name);
      return null;
    }
    return new Measure(
        measureKind,
        argument,
        new MetricBounds(range.lower(), range.upper()),
        "a per-person value");
  }

  /**
   * Checks an expression whose fields below {@code at} are base columns (of the unit's table, after
   * a LEFT JOIN) and from {@code at} on per-person fields: functions on the allow-list, base
   * columns by their class, and the person's key nowhere (it is how the rewrite tells people apart,
   * never a value the analyst sees). Returns whether it reads a key, which is refused.
   */
  private boolean check(RexNode expression, LineageChecker.Usage usage, int at) {
    checker.checkCalls(expression);
    boolean readsKey = false;
    for (int ref : RelOptUtil.InputFinder.bits(expression)) {
      BaseColumn column = ref < at ? flat.columns().get(ref) : personKey.get(ref - at);
      if (column == null) {
        continue;
      }
      checker.checkColumn(column, usage);
      ColumnPolicy policy = column.policy();
      readsKey |=
          policy != null
              && (policy.columnClass() == ColumnClass.PRIVACY_UNIT
                  || policy.columnClass() == ColumnClass.JOIN_KEY);
    }
    return readsKey;
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
