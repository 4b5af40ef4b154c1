package dev.cleanroom.querypolicy.lineage;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.querypolicy.analysis.ViolationCode;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.MetricAggregate;
import dev.cleanroom.querypolicy.release.DerivedExpression;
import dev.cleanroom.querypolicy.rewrite.ContributionOrder;
import dev.cleanroom.spi.FailureModel;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSimplify;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexVisitorImpl;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Applies the column-class rules of the policy to what every expression of a flattened query really
 * reads, and reports every violation; a query with none becomes a {@link CheckedQuery}.
 */
public final class LineageChecker {

  /** Expression kinds the private plan's engines evaluate; anything else is refused. */
  private static final Set<SqlKind> ALLOWED_KINDS =
      Set.of(
          SqlKind.CAST,
          SqlKind.CASE,
          SqlKind.AND,
          SqlKind.OR,
          SqlKind.NOT,
          SqlKind.EQUALS,
          SqlKind.NOT_EQUALS,
          SqlKind.LESS_THAN,
          SqlKind.LESS_THAN_OR_EQUAL,
          SqlKind.GREATER_THAN,
          SqlKind.GREATER_THAN_OR_EQUAL,
          SqlKind.IS_NULL,
          SqlKind.IS_NOT_NULL,
          SqlKind.IS_TRUE,
          SqlKind.IS_NOT_TRUE,
          SqlKind.IS_FALSE,
          SqlKind.IS_NOT_FALSE,
          SqlKind.IS_DISTINCT_FROM,
          SqlKind.IS_NOT_DISTINCT_FROM,
          SqlKind.SEARCH,
          SqlKind.PLUS,
          SqlKind.MINUS,
          SqlKind.TIMES,
          SqlKind.DIVIDE,
          SqlKind.MINUS_PREFIX,
          SqlKind.PLUS_PREFIX,
          SqlKind.COALESCE,
          SqlKind.TRIM,
          SqlKind.FLOOR,
          SqlKind.CEIL,
          SqlKind.EXTRACT,
          SqlKind.GREATEST,
          SqlKind.LEAST,
          SqlKind.REINTERPRET);

  private static final Set<SqlOperator> ALLOWED_FUNCTIONS =
      Set.of(
          SqlStdOperatorTable.UPPER,
          SqlStdOperatorTable.LOWER,
          SqlStdOperatorTable.CHAR_LENGTH,
          SqlStdOperatorTable.CHARACTER_LENGTH,
          SqlStdOperatorTable.SUBSTRING,
          SqlStdOperatorTable.CONCAT,
          SqlStdOperatorTable.DIVIDE_INTEGER,
          SqlStdOperatorTable.LIKE,
          SqlLibraryOperators.ILIKE);

  enum Usage {
    FILTER("a filter"),
    JOIN("a join condition"),
    GROUP_KEY("GROUP BY"),
    OUTPUT("the output"),
    AGGREGATE("an aggregate");

    final String where;

    Usage(String where) {
      this.where = where;
    }
  }

  /** The checked query, or the violations that refuse it. */
  public record Result(CheckedQuery query, List<Violation> violations) {}

  private final FlatQuery flat;
  private final RexBuilder rexBuilder;
  private final String analyst;
  private final SourcePositions positions;
  private final List<Violation> violations = new ArrayList<>();
  private final Set<String> reported = new HashSet<>();

  private LineageChecker(
      FlatQuery flat, RexBuilder rexBuilder, String analyst, SourcePositions positions) {
    this.flat = flat;
    this.rexBuilder = rexBuilder;
    this.analyst = analyst;
    this.positions = positions;
  }

  /** Checks a flattened query against the policies of the tables it reads. */
  public static Result check(
      FlatQuery flat, RexBuilder rexBuilder, String analyst, SourcePositions positions) {
    return new LineageChecker(flat, rexBuilder, analyst, positions).run();
  }

  private Result run() {
    if (flat.scans().isEmpty()) {
      add(
          ViolationCode.UNSUPPORTED_CONSTRUCT,
          null,
          SourcePositions.Position.START,
          "the query reads no protected table");
      return new Result(null, List.copyOf(violations));
    }
    boolean tablesUsable = checkTables();
    if (!tablesUsable) {
      return new Result(null, List.copyOf(violations));
    }
    List<CheckedQuery.KeyPair> keyPairs = new ArrayList<>();
    List<RexNode> filters = new ArrayList<>();
    for (RexNode condition : flat.joinConditions()) {
      joinCondition(condition, keyPairs, filters);
    }
    checkJoinsConnected(keyPairs);
    for (RexNode filter : flat.filters()) {
      for (RexNode conjunct : RelOptUtil.conjunctions(filter)) {
        checkExpression(conjunct, Usage.FILTER);
        filters.add(conjunct);
      }
    }
    if (!filters.isEmpty() && neverTrue(filters)) {
      add(
          ViolationCode.UNSUPPORTED_CONSTRUCT,
          null,
          SourcePositions.Position.START,
          "the filter can never be true, so the query would spend budget on nothing");
    }
    List<Measure> measures = new ArrayList<>();
    List<CheckedQuery.Output> outputs = new ArrayList<>();
    PerPersonRows perPerson = null;
    List<RexNode> having = new ArrayList<>();
    List<RexNode> sortValues = new ArrayList<>();
    if (!flat.aggregated()) {
      add(
          ViolationCode.NOT_AGGREGATED,
          null,
          SourcePositions.Position.START,
          "the query returns rows; only aggregates (COUNT, SUM, AVG) are released");
      for (RexNode output : flat.outputs()) {
        checkExpression(output, Usage.OUTPUT);
      }
      for (RexNode value : flat.sortValues()) {
        checkExpression(value, Usage.OUTPUT);
      }
    } else {
      if (flat.perPerson() == null) {
        for (RexNode key : flat.groupKeys()) {
          checkExpression(key, Usage.GROUP_KEY);
        }
        for (AggregateUse aggregate : flat.aggregates()) {
          measures.add(measure(aggregate));
        }
      } else {
        perPerson = PerPersonChecker.check(this, flat, measures);
      }
      if (flat.groupKeys().size() > ContributionOrder.MAX_GROUP_KEYS) {
        add(
            ViolationCode.UNSUPPORTED_CONSTRUCT,
            null,
            SourcePositions.Position.START,
            "at most " + ContributionOrder.MAX_GROUP_KEYS + " GROUP BY keys are supported");
      }
      checkAfterAggregate(measures, outputs, having, sortValues);
    }
    // A join refused for its shape or keys already says what is wrong with it.
    Set<ViolationCode> joinShape =
        Set.of(
            ViolationCode.JOIN_NOT_ON_DECLARED_KEYS,
            ViolationCode.JOIN_TYPE_NOT_ALLOWED,
            ViolationCode.JOIN_KEY_MISUSED,
            ViolationCode.SET_OPERATION);
    boolean joinRefused =
        flat.joinConditions().isEmpty()
            || violations.stream().anyMatch(v -> joinShape.contains(v.code()));
    if (checkOnePrivacyUnit() && !joinRefused) {
      checkJoinedOnThePerson(keyPairs);
    }
    if (!violations.isEmpty()) {
      return new Result(null, List.copyOf(violations));
    }
    CheckedQuery checked =
        new CheckedQuery(
            flat,
            unitColumn(),
            keyPairs,
            filters,
            flat.groupKeys(),
            measures,
            outputs,
            personColumns(unitTable()),
            having,
            sortValues,
            perPerson);
    return new Result(checked, List.of());
  }

  /**
   * Checks what the query computes above the aggregate: every output is a group key, an aggregate,
   * or a value derived from aggregates and literals; every {@code HAVING} condition and every value
   * {@code ORDER BY} sorts on is a function of aggregates (and, for sorting, group keys). All of
   * them are computed from released, noised values after the release, never from exact ones.
   */
  private void checkAfterAggregate(
      List<Measure> measures,
      List<CheckedQuery.Output> outputs,
      List<RexNode> having,
      List<RexNode> sortValues) {
    int groups = flat.groupKeys().size();
    int fields = groups + measures.size();
    for (int i = 0; i < flat.outputs().size(); i++) {
      RexNode output = flat.outputs().get(i);
      String name = flat.outputNames().get(i);
      if (output instanceof RexInputRef ref && ref.getIndex() < fields) {
        boolean groupKey = ref.getIndex() < groups;
        outputs.add(
            new CheckedQuery.Output(
                name, groupKey, groupKey ? ref.getIndex() : ref.getIndex() - groups));
        continue;
      }
      DerivedTranslator.Translation translation = afterNoise(output, measures);
      String problem = translation.problem();
      if (problem == null
          && !(translation.expression() instanceof DerivedExpression.Constant)
          && translation.expression().type() != DerivedExpression.Type.INTEGER
          && translation.expression().type() != DerivedExpression.Type.REAL) {
        problem = "a value computed from aggregates must be a number";
      }
      if (problem != null) {
        add(
            ViolationCode.POST_AGGREGATE_EXPRESSION,
            null,
            positions.ofColumn(null, name),
            "output '"
                + name
                + "' cannot be computed from the released aggregates: "
                + problem
                + ". Combine aggregates and numeric literals with + - * /, ROUND, CAST, CASE,"
                + " COALESCE or NULLIF");
      } else {
        outputs.add(CheckedQuery.Output.derived(name, output));
      }
    }
    for (RexNode condition : flat.having()) {
      for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
        DerivedTranslator.Translation translation = afterNoise(conjunct, measures);
        String problem = translation.problem();
        if (problem == null && translation.expression().type() != DerivedExpression.Type.BOOLEAN) {
          problem = "it is not a condition";
        }
        if (problem != null) {
          add(
              ViolationCode.HAVING_NOT_ALLOWED,
              null,
              positions.ofTable("HAVING"),
              "HAVING is applied to the released, noised rows and may only compare aggregates"
                  + " and numeric literals: "
                  + problem
                  + ". Filter rows and group keys in WHERE");
        } else {
          having.add(conjunct);
        }
      }
    }
    for (RexNode value : flat.sortValues()) {
      if (value instanceof RexInputRef ref && ref.getIndex() < fields) {
        sortValues.add(value);
        continue;
      }
      DerivedTranslator.Translation translation = afterNoise(value, measures);
      if (translation.problem() != null) {
        add(
            ViolationCode.ORDER_BY_NOT_OUTPUT,
            null,
            SourcePositions.Position.START,
            "ORDER BY is applied to the released rows and may only name outputs, group keys,"
                + " aggregates and values computed from aggregates: "
                + translation.problem());
      } else {
        sortValues.add(value);
      }
    }
  }

  /** An expression over the aggregate's row, as it would be computed from released values. */
  private DerivedTranslator.Translation afterNoise(RexNode expression, List<Measure> measures) {
    int groups = flat.groupKeys().size();
    return DerivedTranslator.translate(
        expression,
        rexBuilder,
        field -> {
          if (field < groups || field >= groups + measures.size()) {
            return null;
          }
          Measure measure = measures.get(field - groups);
          boolean whole =
              measure == null
                  || measure.kind() == Measure.Kind.COUNT_ROWS
                  || measure.kind() == Measure.Kind.COUNT_VALUES
                  || measure.kind() == Measure.Kind.DISTINCT_UNITS;
          return new DerivedExpression.Part(
              field, whole ? DerivedExpression.Type.INTEGER : DerivedExpression.Type.REAL);
        });
  }

  /** Policies present, analyst allowed, no self-join, and each policy matches its table. */
  private boolean checkTables() {
    Set<TableName> seen = new HashSet<>();
    boolean usable = true;
    for (Scan scan : flat.scans()) {
      String table = scan.table().toString();
      if (!seen.add(scan.table())) {
        add(
            ViolationCode.SELF_JOIN,
            table,
            positions.ofTable(table),
            table + " is read twice; self-joins can single out units and are not allowed");
      }
      DatasetPolicy policy = scan.policy();
      if (policy == null) {
        add(
            ViolationCode.TABLE_WITHOUT_POLICY,
            table,
            positions.ofTable(table),
            table + " has no approved policy, so it cannot be queried");
        usable = false;
        continue;
      }
      if (!policy.allowedAnalysts().contains(analyst)) {
        add(
            ViolationCode.ANALYST_NOT_ALLOWED,
            table,
            positions.ofTable(table),
            "the policy of " + table + " does not allow member '" + analyst + "' to query it");
      }
      if (policy.requiresPurpose() && scan.purpose() == null) {
        add(
            ViolationCode.PURPOSE_REQUIRED,
            table,
            positions.ofTable(table),
            table
                + " records consent by purpose: declare the query's purpose, one of "
                + policy.purposes());
      } else if (policy.requiresPurpose() && policy.consentColumnFor(scan.purpose()).isEmpty()) {
        add(
            ViolationCode.PURPOSE_NOT_CONSENTED,
            table,
            positions.ofTable(table),
            table
                + " records no consent for the purpose '"
                + scan.purpose()
                + "': it can be read for "
                + policy.purposes());
      }
      Set<String> tableColumns = new HashSet<>();
      for (RelDataTypeField field : scan.relOptTable().getRowType().getFieldList()) {
        tableColumns.add(field.getName().toLowerCase(Locale.ROOT));
        if (policy
                .column(field.getName().toLowerCase(Locale.ROOT))
                .map(c -> c.columnClass() == ColumnClass.CONSENT)
                .orElse(false)
            && field.getType().getSqlTypeName() != SqlTypeName.BOOLEAN) {
          throw new PolicyException(
              PolicyErrorCode.INVALID_POLICY,
              "consent column "
                  + scan.table().qualify(field.getName())
                  + " is not BOOLEAN in the table");
        }
      }
      for (ColumnPolicy column : policy.columns()) {
        if (!tableColumns.contains(column.name())) {
          throw new PolicyException(
              PolicyErrorCode.INVALID_POLICY,
              "the policy of "
                  + table
                  + " classifies column '"
                  + column.name()
                  + "' that the table does not have");
        }
      }
    }
    return usable;
  }

  private void joinCondition(
      RexNode condition, List<CheckedQuery.KeyPair> keyPairs, List<RexNode> filters) {
    for (RexNode conjunct : RelOptUtil.conjunctions(condition)) {
      if (conjunct.isAlwaysTrue()) {
        continue;
      }
      CheckedQuery.KeyPair pair = keyPair(conjunct);
      if (pair != null) {
        BaseColumn left = flat.columns().get(pair.left());
        BaseColumn right = flat.columns().get(pair.right());
        DatasetPolicy leftPolicy = flat.scans().get(left.scan()).policy();
        DatasetPolicy rightPolicy = flat.scans().get(right.scan()).policy();
        if (leftPolicy.allowsJoin(left.name(), right.table(), right.name())
            && rightPolicy.allowsJoin(right.name(), left.table(), left.name())) {
          keyPairs.add(pair);
        } else {
          add(
              ViolationCode.JOIN_NOT_ON_DECLARED_KEYS,
              left.qualifiedName(),
              positions.ofColumn(left.table().toString(), left.name()),
              "the join "
                  + left.qualifiedName()
                  + " = "
                  + right.qualifiedName()
                  + " is not declared by both tables' policies");
        }
        continue;
      }
      if (readsKeys(conjunct)) {
        checkExpression(conjunct, Usage.JOIN);
      } else {
        // A condition on dimensions only: under an inner join it is an ordinary filter.
        checkExpression(conjunct, Usage.FILTER);
        filters.add(conjunct);
      }
    }
  }

  /** {@code a.k = b.k} between key columns of two different tables, or {@code null}. */
  private CheckedQuery.KeyPair keyPair(RexNode conjunct) {
    if (conjunct.getKind() != SqlKind.EQUALS) {
      return null;
    }
    RexCall call = (RexCall) conjunct;
    Integer left = plainColumn(call.getOperands().get(0));
    Integer right = plainColumn(call.getOperands().get(1));
    if (left == null || right == null) {
      return null;
    }
    BaseColumn leftColumn = flat.columns().get(left);
    BaseColumn rightColumn = flat.columns().get(right);
    if (leftColumn.scan() == rightColumn.scan() || !isKey(leftColumn) || !isKey(rightColumn)) {
      return null;
    }
    return new CheckedQuery.KeyPair(left, right);
  }

  private void checkJoinsConnected(List<CheckedQuery.KeyPair> keyPairs) {
    int scans = innerJoinedScans();
    // Several scans without any join come from refused constructs (set operations, sub-queries).
    if (scans < 2 || flat.joinConditions().isEmpty()) {
      return;
    }
    Set<Integer> connected = new HashSet<>(Set.of(0));
    boolean grew = true;
    while (grew) {
      grew = false;
      for (CheckedQuery.KeyPair pair : keyPairs) {
        int a = flat.columns().get(pair.left()).scan();
        int b = flat.columns().get(pair.right()).scan();
        if (connected.contains(a) != connected.contains(b)) {
          connected.add(a);
          connected.add(b);
          grew = true;
        }
      }
    }
    for (int scan = 0; scan < scans; scan++) {
      if (!connected.contains(scan)) {
        String table = flat.scans().get(scan).table().toString();
        add(
            ViolationCode.JOIN_NOT_ON_DECLARED_KEYS,
            table,
            positions.ofTable(table),
            table + " is not joined on a join key both policies declare");
      }
    }
  }

  private Measure measure(AggregateUse written) {
    AggregateUse aggregate = ConditionalAggregates.foldFilter(written, rexBuilder);
    SqlKind kind = aggregate.function().getKind();
    String name = aggregate.function().getName();
    if (aggregate.hasClause()) {
      add(
          ViolationCode.AGGREGATE_CLAUSE_NOT_ALLOWED,
          null,
          positions.ofColumn(null, name),
          Percentiles.isPercentile(aggregate.function())
              ? name
                  + " is supported only as "
                  + name
                  + "(q) WITHIN GROUP (ORDER BY x), x ascending"
              : "WITHIN GROUP on " + name + " is not supported");
    }
    if (aggregate.filter() != null) {
      // Only an aggregate of several arguments keeps its filter, and none is supported.
      add(
          ViolationCode.UNSUPPORTED_CONSTRUCT,
          null,
          positions.ofColumn(null, name),
          "FILTER on " + name + " with several arguments is not supported");
      return null;
    }
    if (Percentiles.isPercentile(aggregate.function())) {
      return percentile(aggregate, name);
    }
    if (kind == SqlKind.COUNT && aggregate.distinct()) {
      Integer column =
          aggregate.arguments().size() == 1 ? plainColumn(aggregate.arguments().get(0)) : null;
      if (column != null && identifiesUnit(flat.columns().get(column))) {
        return new Measure(Measure.Kind.DISTINCT_UNITS, null, null, null);
      }
      RexNode indicator =
          aggregate.arguments().size() == 1
              ? ConditionalAggregates.reachIndicator(
                  aggregate.arguments().get(0), this::isUnitValue, rexBuilder)
              : null;
      if (indicator != null) {
        checkExpression(indicator, Usage.AGGREGATE);
        return new Measure(Measure.Kind.CONDITIONAL_UNITS, indicator, null, null);
      }
      for (RexNode argument : aggregate.arguments()) {
        checkExpression(argument, Usage.AGGREGATE);
      }
      BaseColumn first = firstColumn(aggregate.arguments());
      add(
          ViolationCode.DISTINCT_NOT_ON_UNIT,
          first == null ? null : first.qualifiedName(),
          first == null ? positions.ofColumn(null, "DISTINCT") : positionOf(first),
          "COUNT(DISTINCT ...) is supported only on the privacy unit");
      return null;
    }
    for (RexNode argument : aggregate.arguments()) {
      checkExpression(argument, Usage.AGGREGATE);
    }
    MetricAggregate allowedKind =
        switch (kind) {
          case COUNT -> MetricAggregate.COUNT;
          case SUM, SUM0 -> MetricAggregate.SUM;
          case AVG -> MetricAggregate.AVG;
            // A variance is released from noised sums of the metric: the policy must allow SUM.
          case VAR_POP, VAR_SAMP, STDDEV_POP, STDDEV_SAMP -> MetricAggregate.SUM;
          default -> null;
        };
    Measure.Kind spreadKind =
        switch (kind) {
          case VAR_POP -> Measure.Kind.VAR_POP;
          case VAR_SAMP -> Measure.Kind.VAR_SAMP;
          case STDDEV_POP -> Measure.Kind.STDDEV_POP;
          case STDDEV_SAMP -> Measure.Kind.STDDEV_SAMP;
          default -> null;
        };
    BaseColumn first = firstColumn(aggregate.arguments());
    if (allowedKind == null || aggregate.distinct()) {
      add(
          ViolationCode.AGGREGATE_NOT_ALLOWED,
          first == null ? null : first.qualifiedName(),
          first == null ? positions.ofColumn(null, name) : positionOf(first),
          (aggregate.distinct() ? name + "(DISTINCT ...)" : name)
              + " is not allowed: only COUNT, SUM, AVG and the variances and standard"
              + " deviations are released");
      return null;
    }
    if (aggregate.arguments().size() > 1) {
      add(
          ViolationCode.UNSUPPORTED_CONSTRUCT,
          null,
          positions.ofColumn(null, name),
          name + " with several arguments is not supported");
      return null;
    }
    Set<BaseColumn> metrics = new LinkedHashSet<>();
    for (RexNode argument : aggregate.arguments()) {
      for (int index : RelOptUtil.InputFinder.bits(argument)) {
        BaseColumn column = flat.columns().get(index);
        if (column.policy() != null && column.policy().columnClass() == ColumnClass.METRIC) {
          metrics.add(column);
        }
      }
    }
    for (BaseColumn metric : metrics) {
      if (!metric.policy().allowedAggregates().contains(allowedKind)) {
        add(
            ViolationCode.AGGREGATE_NOT_ALLOWED,
            metric.qualifiedName(),
            positionOf(metric),
            "the policy allows only "
                + new TreeSet<>(metric.policy().allowedAggregates())
                + " over "
                + metric.qualifiedName()
                + ", not "
                + allowedKind
                + (spreadKind == null ? "" : " (which " + name + " is computed from)"));
        return null;
      }
    }
    if (allowedKind == MetricAggregate.COUNT) {
      return aggregate.arguments().isEmpty()
          ? new Measure(Measure.Kind.COUNT_ROWS, null, null, null)
          : new Measure(Measure.Kind.COUNT_VALUES, aggregate.arguments().get(0), null, null);
    }
    if (metrics.isEmpty()) {
      add(
          ViolationCode.AGGREGATE_WITHOUT_METRIC,
          first == null ? null : first.qualifiedName(),
          first == null ? positions.ofColumn(null, name) : positionOf(first),
          name + " must read a metric column: only metrics have declared bounds");
      return null;
    }
    if (metrics.size() > 1) {
      BaseColumn second = new ArrayList<>(metrics).get(1);
      add(
          ViolationCode.MULTIPLE_METRICS_IN_AGGREGATE,
          second.qualifiedName(),
          positionOf(second),
          name + " reads several metrics; aggregate each metric on its own");
      return null;
    }
    BaseColumn metric = metrics.iterator().next();
    Measure.Kind measureKind =
        spreadKind != null
            ? spreadKind
            : allowedKind == MetricAggregate.SUM ? Measure.Kind.SUM : Measure.Kind.AVG;
    return new Measure(
        measureKind,
        aggregate.arguments().get(0),
        metric.policy().bounds(),
        metric.qualifiedName());
  }

  /**
   * {@code PERCENTILE_CONT(q) WITHIN GROUP (ORDER BY x)}, flattened to arguments {@code [x, q]}: x
   * must read one metric whose policy allows SUM (a quantile of per-person totals is released from
   * a noised histogram of them), q a number literal within [0, 1].
   */
  private Measure percentile(AggregateUse aggregate, String name) {
    if (aggregate.arguments().size() != 2) {
      add(
          ViolationCode.AGGREGATE_CLAUSE_NOT_ALLOWED,
          null,
          positions.ofColumn(null, name),
          name + " is supported only as " + name + "(q) WITHIN GROUP (ORDER BY x), x ascending");
      return null;
    }
    RexNode ordered = aggregate.arguments().get(0);
    checkExpression(ordered, Usage.AGGREGATE);
    RexNode fractionNode = RexUtil.removeCast(aggregate.arguments().get(1));
    BigDecimal fraction =
        fractionNode instanceof RexLiteral literal ? literal.getValueAs(BigDecimal.class) : null;
    if (fraction == null || fraction.signum() < 0 || fraction.compareTo(BigDecimal.ONE) > 0) {
      add(
          ViolationCode.UNSUPPORTED_CONSTRUCT,
          null,
          positions.ofColumn(null, name),
          "the fraction of " + name + " must be a number literal within [0, 1]");
      return null;
    }
    Set<BaseColumn> metrics = new LinkedHashSet<>();
    for (int index : RelOptUtil.InputFinder.bits(ordered)) {
      BaseColumn column = flat.columns().get(index);
      if (column.policy() != null && column.policy().columnClass() == ColumnClass.METRIC) {
        metrics.add(column);
      }
    }
    BaseColumn first = firstColumn(List.of(ordered));
    if (metrics.size() != 1) {
      add(
          metrics.isEmpty()
              ? ViolationCode.AGGREGATE_WITHOUT_METRIC
              : ViolationCode.MULTIPLE_METRICS_IN_AGGREGATE,
          first == null ? null : first.qualifiedName(),
          first == null ? positions.ofColumn(null, name) : positionOf(first),
          name + " must order by an expression of exactly one metric: only metrics have bounds");
      return null;
    }
    BaseColumn metric = metrics.iterator().next();
    if (!metric.policy().allowedAggregates().contains(MetricAggregate.SUM)) {
      add(
          ViolationCode.AGGREGATE_NOT_ALLOWED,
          metric.qualifiedName(),
          positionOf(metric),
          "the policy allows only "
              + new TreeSet<>(metric.policy().allowedAggregates())
              + " over "
              + metric.qualifiedName()
              + ", not SUM (whose per-person totals "
              + name
              + " is computed from)");
      return null;
    }
    return new Measure(
        aggregate.function().getKind() == SqlKind.PERCENTILE_CONT
            ? Measure.Kind.PERCENTILE_CONT
            : Measure.Kind.PERCENTILE_DISC,
        ordered,
        metric.policy().bounds(),
        metric.qualifiedName(),
        fraction);
  }

  /** Checks the functions an expression calls and the class of every column it reads. */
  void checkExpression(RexNode expression, Usage usage) {
    checkCalls(expression);
    for (int index : RelOptUtil.InputFinder.bits(expression)) {
      // Past the base row are the per-person values of a LEFT JOIN, which PerPersonChecker checks
      // (a query that returns them without aggregating is refused as NOT_AGGREGATED anyway).
      if (index < flat.columns().size()) {
        checkColumn(flat.columns().get(index), usage);
      }
    }
  }

  /** Checks the functions an expression calls: on the allow-list, and unable to fail on data. */
  void checkCalls(RexNode expression) {
    expression.accept(
        new RexVisitorImpl<Void>(true) {
          @Override
          public Void visitCall(RexCall call) {
            if (!ALLOWED_KINDS.contains(call.getKind())
                && !ALLOWED_FUNCTIONS.contains(call.getOperator())) {
              add(
                  ViolationCode.FUNCTION_NOT_ALLOWED,
                  null,
                  positions.ofColumn(null, call.getOperator().getName()),
                  "function " + call.getOperator().getName() + " is not on the allow-list");
            } else if (call.getKind() == SqlKind.LIKE && !hasLiteralPattern(call)) {
              add(
                  ViolationCode.FUNCTION_NOT_ALLOWED,
                  null,
                  positions.ofColumn(null, call.getOperator().getName()),
                  call.getOperator().getName()
                      + " needs a literal pattern (and a literal ESCAPE): a pattern read from a"
                      + " column or computed is not supported");
            } else if (FailureModel.mayFail(call)) {
              add(
                  ViolationCode.FUNCTION_NOT_ALLOWED,
                  null,
                  positions.ofColumn(null, call.getOperator().getName()),
                  call.getOperator().getName()
                      + " here could fail on some rows' values, and whether a query fails must"
                      + " not depend on the data: divide by non-zero literals, compute over"
                      + " DOUBLE rather than integers or decimals, give SUBSTRING non-negative integer literal"
                      + " bounds, TRIM one character, cast only to text or to wider numbers");
            }
            return super.visitCall(call);
          }
        });
  }

  void checkColumn(BaseColumn column, Usage usage) {
    String name = column.qualifiedName();
    ColumnPolicy policy = column.policy();
    if (policy == null) {
      add(
          ViolationCode.UNCLASSIFIED_COLUMN,
          name,
          positionOf(column),
          name + " has no class in the policy of " + column.table() + ", so it cannot be used");
      return;
    }
    switch (policy.columnClass()) {
      case PII ->
          add(
              ViolationCode.PII_REFERENCED,
              name,
              positionOf(column),
              name + " is personal data and cannot be used in a query");
      case CONSENT ->
          add(
              ViolationCode.CONSENT_REFERENCED,
              name,
              positionOf(column),
              name + " is the consent column: the server applies it, queries cannot reference it");
      case PRIVACY_UNIT ->
          add(
              ViolationCode.PRIVACY_UNIT_MISUSED,
              name,
              positionOf(column),
              name
                  + " is the privacy unit: it may appear only in COUNT(DISTINCT ...) or a join on"
                  + " declared keys, not in "
                  + usage.where);
      case JOIN_KEY ->
          add(
              ViolationCode.JOIN_KEY_MISUSED,
              name,
              positionOf(column),
              name
                  + " is a join key: it may appear only in a join condition a.key = b.key, not in "
                  + usage.where);
      case METRIC -> {
        if (usage != Usage.AGGREGATE) {
          add(
              ViolationCode.METRIC_NOT_AGGREGATED,
              name,
              positionOf(column),
              name
                  + " is a metric: it may appear only inside COUNT, SUM or AVG, not in "
                  + usage.where);
        }
      }
      case DIMENSION -> {}
    }
  }

  private static boolean hasLiteralPattern(RexCall like) {
    return like.getOperands().stream().skip(1).allMatch(operand -> operand instanceof RexLiteral);
  }

  /** Whether the filters contradict each other whatever the rows, decided on the SQL alone. */
  private boolean neverTrue(List<RexNode> filters) {
    RexNode condition = RexUtil.composeConjunction(rexBuilder, filters);
    RexSimplify simplify = new RexSimplify(rexBuilder, RelOptPredicateList.EMPTY, RexUtil.EXECUTOR);
    return simplify.simplifyUnknownAsFalse(condition).isAlwaysFalse();
  }

  private boolean readsKeys(RexNode expression) {
    for (int index : RelOptUtil.InputFinder.bits(expression)) {
      if (isKey(flat.columns().get(index))) {
        return true;
      }
    }
    return false;
  }

  private static boolean isKey(BaseColumn column) {
    return column.policy() != null
        && (column.policy().columnClass() == ColumnClass.JOIN_KEY
            || column.policy().columnClass() == ColumnClass.PRIVACY_UNIT);
  }

  static boolean identifiesUnit(BaseColumn column) {
    ColumnPolicy policy = column.policy();
    return policy != null
        && (policy.columnClass() == ColumnClass.PRIVACY_UNIT
            || (policy.columnClass() == ColumnClass.JOIN_KEY && policy.linksToUnitOf() != null));
  }

  /** Whether an expression is a column that names the person, through lossless casts. */
  private boolean isUnitValue(RexNode expression) {
    Integer column = plainColumn(expression);
    return column != null && identifiesUnit(flat.columns().get(column));
  }

  /** The base column an expression is, through lossless casts only, or {@code null}. */
  static Integer plainColumn(RexNode expression) {
    RexNode node = expression;
    while (node.getKind() == SqlKind.CAST) {
      RexNode operand = ((RexCall) node).getOperands().get(0);
      // A lossy cast maps several keys to one: a join on it would pair rows of different people.
      if (!FailureModel.keepsValuesDistinct(operand.getType(), node.getType())) {
        return null;
      }
      node = operand;
    }
    return node instanceof RexInputRef ref ? ref.getIndex() : null;
  }

  private BaseColumn firstColumn(List<RexNode> expressions) {
    for (RexNode expression : expressions) {
      for (int index : RelOptUtil.InputFinder.bits(expression)) {
        return flat.columns().get(index);
      }
    }
    return null;
  }

  /**
   * The tables whose people a scan's rows belong to: its own, when it declares a privacy unit, and
   * every table one of its join keys links to.
   */
  private static Set<TableName> unitsReached(Scan scan) {
    Set<TableName> units = new TreeSet<>();
    for (ColumnPolicy column : scan.policy().columns()) {
      if (column.columnClass() == ColumnClass.PRIVACY_UNIT) {
        units.add(scan.table());
      } else if (column.columnClass() == ColumnClass.JOIN_KEY && column.linksToUnitOf() != null) {
        units.add(column.linksToUnitOf());
      }
    }
    return units;
  }

  /**
   * Refuses a query whose tables reach the people of more than one table: the rewrite bounds what
   * one person of one kind contributes, so a second kind of person (one customer with many
   * impressions, where each impression is also a "person") would go unbounded.
   */
  private boolean checkOnePrivacyUnit() {
    Set<TableName> units = new TreeSet<>();
    flat.scans().forEach(scan -> units.addAll(unitsReached(scan)));
    if (units.size() > 1) {
      List<String> described = units.stream().map(this::describeUnit).toList();
      add(
          ViolationCode.SEVERAL_PRIVACY_UNITS,
          null,
          SourcePositions.Position.START,
          "the query reads people of "
              + String.join(" and of ", described)
              + "; one query may count one kind of person only, so each can be bounded: query"
              + " the tables separately, or ask the privacy officers to link the keys to one"
              + " privacy unit");
      return false;
    }
    return true;
  }

  /** The table whose people the query counts (the tables reach exactly one). */
  private TableName unitTable() {
    return unitsReached(flat.scans().get(0)).iterator().next();
  }

  /** Per scan, its column that names the person: its own unit, or its key linked to the unit. */
  private List<Integer> personColumns(TableName unitTable) {
    List<Integer> columns = new ArrayList<>();
    for (Scan scan : flat.scans()) {
      columns.add(personColumn(scan, unitTable));
    }
    return columns;
  }

  private int personColumn(Scan scan, TableName unitTable) {
    for (int i = scan.offset(); i < scan.offset() + scan.width(); i++) {
      if (namesPersonOf(flat.columns().get(i), unitTable)) {
        return i;
      }
    }
    throw new PolicyException(
        PolicyErrorCode.INVALID_POLICY,
        scan.table() + " has no column that names a person of " + unitTable);
  }

  /** The unit column of the unit's own table, or a join key linked to that table's unit. */
  private static boolean namesPersonOf(BaseColumn column, TableName unitTable) {
    ColumnPolicy policy = column.policy();
    return policy != null
        && ((policy.columnClass() == ColumnClass.PRIVACY_UNIT && column.table().equals(unitTable))
            || (policy.columnClass() == ColumnClass.JOIN_KEY
                && unitTable.equals(policy.linksToUnitOf())));
  }

  /**
   * Each joined table other than the unit's own must be joined on its key that names the person, to
   * a key of the unit's table or another such key: then every joined row belongs to one person.
   * Joined on another key (a store, a campaign), a row would pair one person's rows with another's,
   * and bounding the first would leave the second unbounded.
   */
  private void checkJoinedOnThePerson(List<CheckedQuery.KeyPair> keyPairs) {
    if (innerJoinedScans() < 2) {
      return;
    }
    TableName unitTable = unitTable();
    for (Scan scan : flat.scans().subList(0, innerJoinedScans())) {
      int person = personColumn(scan, unitTable);
      if (flat.columns().get(person).policy().columnClass() == ColumnClass.PRIVACY_UNIT) {
        continue;
      }
      boolean joined = false;
      for (CheckedQuery.KeyPair pair : keyPairs) {
        int other =
            pair.left() == person ? pair.right() : pair.right() == person ? pair.left() : -1;
        if (other >= 0) {
          BaseColumn partner = flat.columns().get(other);
          joined |= partner.table().equals(unitTable) || namesPersonOf(partner, unitTable);
        }
      }
      if (!joined) {
        BaseColumn column = flat.columns().get(person);
        add(
            ViolationCode.JOIN_NOT_ON_PERSON,
            column.qualifiedName(),
            positionOf(column),
            scan.table()
                + " must be joined on "
                + column.qualifiedName()
                + ", which names a person of "
                + unitTable
                + ", with a key of "
                + unitTable
                + " or another such key: joined on other keys, one row would belong to two"
                + " people");
      }
    }
  }

  /**
   * How many scans are joined by inner joins: all of them, or those left of a LEFT JOIN to a
   * per-person sub-query (whose join {@link PerPersonChecker} checks).
   */
  private int innerJoinedScans() {
    boolean leftJoin = flat.perPerson() != null && flat.perPerson().leftJoin() != null;
    return leftJoin ? flat.perPerson().leftJoin().leftScans() : flat.scans().size();
  }

  private String describeUnit(TableName unitTable) {
    for (Scan scan : flat.scans()) {
      if (scan.table().equals(unitTable) && scan.policy() != null) {
        return unitTable + " (" + unitTable.qualify(scan.policy().unitColumn().name()) + ")";
      }
    }
    return unitTable.toString();
  }

  /**
   * The unit of the query: the table whose people every scan reaches (there is one, or the query
   * was refused), by its own unit column when it is read, else by the first linked join key.
   */
  private int unitColumn() {
    TableName unitTable = unitTable();
    Scan chosen =
        flat.scans().stream()
            .filter(s -> s.table().equals(unitTable))
            .findFirst()
            .orElse(flat.scans().get(0));
    String unit =
        chosen.table().equals(unitTable)
            ? chosen.policy().unitColumn().name()
            : chosen.policy().columns().stream()
                .filter(c -> unitTable.equals(c.linksToUnitOf()))
                .findFirst()
                .orElseThrow()
                .name();
    for (int i = 0; i < chosen.width(); i++) {
      if (flat.columns().get(chosen.offset() + i).name().equals(unit)) {
        return chosen.offset() + i;
      }
    }
    throw new PolicyException(
        PolicyErrorCode.INVALID_POLICY,
        "the unit column " + chosen.table().qualify(unit) + " is missing from the table");
  }

  SourcePositions.Position positionOf(BaseColumn column) {
    return positions.ofColumn(column.table().toString(), column.name());
  }

  SourcePositions positions() {
    return positions;
  }

  void add(ViolationCode code, String column, SourcePositions.Position position, String message) {
    if (reported.add(code + " " + column)) {
      violations.add(new Violation(code, column, position.line(), position.column(), message));
    }
  }
}
