package dev.cleanroom.engine.spark;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.cleanroom.engine.BoundTables;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ParquetTableData;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.spi.ContributionHash;
import dev.cleanroom.spi.LikePattern;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldCollation;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexWindow;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.Dataset;
import org.apache.spark.sql.connect.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Translates one private plan to Spark Connect DataFrame operations. Every operator and function it
 * meets is translated or refused ({@code UNSUPPORTED_PLAN}, {@code UNSUPPORTED_EXPRESSION}) while
 * the DataFrame is built, which runs nothing: the decision depends on the plan alone. Each call's
 * result is cast to the plan's type, so Spark's type derivation never decides a value's type.
 */
final class PlanTranslator {
  /** The name of the keyed hash in Spark (spark-runtime's CleanroomSparkExtensions). */
  static final String CONTRIBUTION_ORDER_FUNCTION = "cr_contribution_order";

  private static final double LONG_RANGE_END = 0x1p63;
  private static final double INT_RANGE_END = 0x1p31;

  private final SparkSession session;
  private final Map<TableName, ? extends TableData> tables;
  private final SecretSealer sealer;
  private final RexBuilder rexBuilder;
  private final Map<String, byte[]> sealedKeys = new HashMap<>();
  private final List<ScanCheck> scans = new ArrayList<>();
  private int relations;

  PlanTranslator(
      SparkSession session,
      Map<TableName, ? extends TableData> tables,
      SecretSealer sealer,
      RexBuilder rexBuilder) {
    this.session = session;
    this.tables = tables;
    this.sealer = sealer;
    this.rexBuilder = rexBuilder;
  }

  /** A scan to check against the Parquet schema before running: the plan's columns and types. */
  record ScanCheck(
      String table, String location, Dataset<Row> files, List<RelDataTypeField> columns) {}

  /** One translated operator: a DataFrame whose columns have the given unique names, in order. */
  record Relation(Dataset<Row> frame, List<String> names) {
    Column ref(int index) {
      return col(names.get(index));
    }
  }

  /** The scans of the translated plan, to check before running it. */
  List<ScanCheck> scans() {
    return scans;
  }

  /**
   * The plan's rows as a DataFrame of the engines' Java mapping (DATE as days, TIMESTAMP as ms).
   */
  Dataset<Row> translate(RelNode plan) {
    Relation relation = relation(plan);
    List<Column> output = new ArrayList<>();
    List<RelDataTypeField> fields = plan.getRowType().getFieldList();
    for (int i = 0; i < fields.size(); i++) {
      Column value = relation.ref(i);
      SqlTypeName type = fields.get(i).getType().getSqlTypeName();
      if (type == SqlTypeName.DATE) {
        value = functions.unix_date(value);
      } else if (type == SqlTypeName.TIMESTAMP) {
        value = functions.unix_millis(value.cast(DataTypes.TimestampType));
      }
      output.add(value.as("out" + i));
    }
    return relation.frame().select(output.toArray(Column[]::new));
  }

  // ---- operators ----------------------------------------------------------------------------

  private Relation relation(RelNode node) {
    if (node instanceof TableScan scan) {
      return scan(scan);
    }
    if (node instanceof Filter filter) {
      Relation input = relation(filter.getInput());
      Column condition = expression(filter.getCondition(), input);
      return new Relation(input.frame().filter(condition), input.names());
    }
    if (node instanceof Project project) {
      return project(project);
    }
    if (node instanceof Join join) {
      return join(join);
    }
    if (node instanceof Aggregate aggregate) {
      return aggregate(aggregate);
    }
    throw unsupportedPlan("operator " + node.getRelTypeName());
  }

  private Relation scan(TableScan scan) {
    ParquetTableData table = BoundTables.of(tables, scan, ParquetTableData.class);
    Dataset<Row> files = session.read().parquet(table.location());
    List<RelDataTypeField> columns = scan.getRowType().getFieldList();
    for (RelDataTypeField column : columns) {
      sparkType(column.getType());
    }
    scans.add(
        new ScanCheck(
            String.join(".", scan.getTable().getQualifiedName()),
            table.location(),
            files,
            columns));
    List<String> names = names(columns.size());
    List<Column> selected = new ArrayList<>();
    for (int i = 0; i < columns.size(); i++) {
      selected.add(col(quoted(columns.get(i).getName())).as(names.get(i)));
    }
    return new Relation(files.select(selected.toArray(Column[]::new)), names);
  }

  private Relation project(Project project) {
    Relation input = relation(project.getInput());
    List<String> names = names(project.getProjects().size());
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < project.getProjects().size(); i++) {
      RexNode expression = project.getProjects().get(i);
      Column value =
          expression instanceof RexOver over
              ? rowNumber(over, input)
              : expression(expression, input);
      columns.add(value.as(names.get(i)));
    }
    return new Relation(input.frame().select(columns.toArray(Column[]::new)), names);
  }

  /**
   * ROW_NUMBER() over ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW, the only window the private
   * plan uses; its order keys end with the group keys, so rows tie only when they are equal in
   * every column the plan reads afterwards.
   */
  private Column rowNumber(RexOver over, Relation input) {
    if (over.getOperator().getKind() != SqlKind.ROW_NUMBER) {
      throw unsupportedPlan("window function " + over.getOperator().getName());
    }
    RexWindow window = over.getWindow();
    if (!window.isRows()
        || !window.getLowerBound().isUnbounded()
        || !window.getLowerBound().isPreceding()
        || !window.getUpperBound().isCurrentRow()) {
      throw unsupportedPlan(
          "ROW_NUMBER over a frame other than ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW");
    }
    List<Column> partition = new ArrayList<>();
    for (RexNode key : window.partitionKeys) {
      partition.add(expression(key, input));
    }
    List<Column> order = new ArrayList<>();
    for (RexFieldCollation key : window.orderKeys) {
      Column value = expression(key.left, input);
      boolean descending = key.getDirection().isDescending();
      org.apache.calcite.rel.RelFieldCollation.NullDirection nulls = key.getNullDirection();
      if (nulls == org.apache.calcite.rel.RelFieldCollation.NullDirection.UNSPECIFIED) {
        nulls = key.getDirection().defaultNullDirection();
      }
      boolean nullsFirst = nulls == org.apache.calcite.rel.RelFieldCollation.NullDirection.FIRST;
      order.add(
          descending
              ? (nullsFirst ? value.desc_nulls_first() : value.desc_nulls_last())
              : (nullsFirst ? value.asc_nulls_first() : value.asc_nulls_last()));
    }
    WindowSpec spec =
        Window.partitionBy(partition.toArray(Column[]::new))
            .orderBy(order.toArray(Column[]::new))
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    return row_number().over(spec).cast(sparkType(over.getType()));
  }

  private Relation join(Join join) {
    JoinRelType type = join.getJoinType();
    if (type != JoinRelType.INNER && type != JoinRelType.LEFT) {
      throw unsupportedPlan("a " + type + " join");
    }
    JoinInfo info = join.analyzeCondition();
    if (!info.isEqui()) {
      throw unsupportedPlan("a join on a condition other than equal keys");
    }
    Relation left = relation(join.getLeft());
    Relation right = relation(join.getRight());
    Column condition = lit(true);
    for (int i = 0; i < info.leftKeys.size(); i++) {
      Column leftKey = left.ref(info.leftKeys.get(i));
      Column rightKey = right.ref(info.rightKeys.get(i));
      boolean nullsMatch = !info.nullExclusionFlags.get(i);
      condition =
          condition.and(nullsMatch ? leftKey.eqNullSafe(rightKey) : leftKey.equalTo(rightKey));
    }
    Dataset<Row> joined =
        left.frame().join(right.frame(), condition, type == JoinRelType.LEFT ? "left" : "inner");
    List<String> names = names(left.names().size() + right.names().size());
    List<Column> columns = new ArrayList<>();
    for (int i = 0; i < left.names().size(); i++) {
      columns.add(left.ref(i).as(names.get(i)));
    }
    for (int i = 0; i < right.names().size(); i++) {
      columns.add(right.ref(i).as(names.get(left.names().size() + i)));
    }
    return new Relation(joined.select(columns.toArray(Column[]::new)), names);
  }

  private Relation aggregate(Aggregate aggregate) {
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      throw unsupportedPlan("an aggregate with grouping sets");
    }
    Relation input = relation(aggregate.getInput());
    List<Integer> groupFields = aggregate.getGroupSet().asList();
    List<String> names = names(groupFields.size() + aggregate.getAggCallList().size());
    List<Column> keys = new ArrayList<>();
    for (int k = 0; k < groupFields.size(); k++) {
      keys.add(input.ref(groupFields.get(k)).as(names.get(k)));
    }
    List<Column> calls = new ArrayList<>();
    List<AggregateCall> aggCalls = aggregate.getAggCallList();
    for (int c = 0; c < aggCalls.size(); c++) {
      calls.add(aggregateCall(aggCalls.get(c), input).as(names.get(groupFields.size() + c)));
    }
    if (calls.isEmpty()) {
      if (keys.isEmpty()) {
        throw unsupportedPlan("an aggregate without keys or functions");
      }
      return new Relation(input.frame().select(keys.toArray(Column[]::new)).distinct(), names);
    }
    Column first = calls.get(0);
    Column[] rest = calls.subList(1, calls.size()).toArray(Column[]::new);
    Dataset<Row> result =
        keys.isEmpty()
            ? input.frame().agg(first, rest)
            : input.frame().groupBy(keys.toArray(Column[]::new)).agg(first, rest);
    return new Relation(result, names);
  }

  private Column aggregateCall(AggregateCall call, Relation input) {
    if (call.isDistinct()) {
      throw unsupportedPlan("a DISTINCT aggregate (the plan must pre-aggregate per unit)");
    }
    if (call.isApproximate() || !call.collation.getFieldCollations().isEmpty()) {
      throw unsupportedPlan("aggregate function " + call.getAggregation().getName());
    }
    Column filter = call.filterArg >= 0 ? input.ref(call.filterArg).equalTo(lit(true)) : null;
    List<Integer> arguments = call.getArgList();
    DataType resultType = sparkType(call.getType());
    SqlKind kind = call.getAggregation().getKind();
    switch (kind) {
      case COUNT -> {
        Column counted = null;
        for (int argument : arguments) {
          Column notNull = input.ref(argument).isNotNull();
          counted = counted == null ? notNull : counted.and(notNull);
        }
        if (filter != null) {
          counted = counted == null ? filter : counted.and(filter);
        }
        return (counted == null ? count(lit(1)) : count(when(counted, lit(1)))).cast(resultType);
      }
      case SUM, SUM0, MIN, MAX -> {
        if (arguments.size() != 1) {
          throw unsupportedPlan("aggregate function " + call.getAggregation().getName());
        }
        Column argument = input.ref(arguments.get(0));
        if (filter != null) {
          argument = when(filter, argument);
        }
        Column value =
            switch (kind) {
              case MIN -> min(argument);
              case MAX -> max(argument);
              default -> sum(argument);
            };
        value = value.cast(resultType);
        return kind == SqlKind.SUM0 ? coalesce(value, lit(0).cast(resultType)) : value;
      }
      default -> throw unsupportedPlan("aggregate function " + call.getAggregation().getName());
    }
  }

  // ---- expressions --------------------------------------------------------------------------

  private Column expression(RexNode node, Relation input) {
    return rex(RexUtil.expandSearch(rexBuilder, null, node), input);
  }

  private Column rex(RexNode node, Relation input) {
    if (node instanceof RexInputRef ref) {
      return input.ref(ref.getIndex());
    }
    if (node instanceof RexLiteral literal) {
      return literal(literal);
    }
    if (node instanceof RexOver) {
      throw unsupportedExpression("a window function nested inside an expression");
    }
    if (node instanceof RexCall call) {
      return typed(call(call, input), call.getType());
    }
    throw unsupportedExpression("expression kind " + node.getKind());
  }

  private Column call(RexCall call, Relation input) {
    List<RexNode> operands = call.getOperands();
    SqlKind kind = call.getKind();
    switch (kind) {
      case EQUALS,
          NOT_EQUALS,
          LESS_THAN,
          LESS_THAN_OR_EQUAL,
          GREATER_THAN,
          GREATER_THAN_OR_EQUAL -> {
        return comparison(kind, operands.get(0), operands.get(1), input);
      }
      case AND, OR -> {
        Column result = rex(operands.get(0), input);
        for (int i = 1; i < operands.size(); i++) {
          Column next = rex(operands.get(i), input);
          result = kind == SqlKind.AND ? result.and(next) : result.or(next);
        }
        return result;
      }
      case NOT -> {
        return functions.not(rex(operands.get(0), input));
      }
      case IS_NULL -> {
        return rex(operands.get(0), input).isNull();
      }
      case IS_NOT_NULL -> {
        return rex(operands.get(0), input).isNotNull();
      }
      case IS_TRUE -> {
        return rex(operands.get(0), input).eqNullSafe(lit(true));
      }
      case IS_NOT_TRUE -> {
        return functions.not(rex(operands.get(0), input).eqNullSafe(lit(true)));
      }
      case IS_FALSE -> {
        return rex(operands.get(0), input).eqNullSafe(lit(false));
      }
      case IS_NOT_FALSE -> {
        return functions.not(rex(operands.get(0), input).eqNullSafe(lit(false)));
      }
      case PLUS, MINUS -> {
        return plusOrMinus(call, input);
      }
      case TIMES -> {
        requireArithmetic(call);
        return rex(operands.get(0), input).multiply(rex(operands.get(1), input));
      }
      case DIVIDE -> {
        return divide(call, input);
      }
      case MINUS_PREFIX -> {
        requireArithmetic(call);
        return functions.negate(rex(operands.get(0), input));
      }
      case CASE -> {
        Column result = null;
        int pairs = (operands.size() - 1) / 2;
        for (int p = 0; p < pairs; p++) {
          Column condition = rex(operands.get(2 * p), input);
          Column value = typed(rex(operands.get(2 * p + 1), input), call.getType());
          result = result == null ? when(condition, value) : result.when(condition, value);
        }
        Column otherwise = typed(rex(operands.get(operands.size() - 1), input), call.getType());
        return result == null ? otherwise : result.otherwise(otherwise);
      }
      case COALESCE -> {
        List<Column> values = new ArrayList<>();
        for (RexNode operand : operands) {
          values.add(typed(rex(operand, input), call.getType()));
        }
        return coalesce(values.toArray(Column[]::new));
      }
      case CAST -> {
        return cast(operands.get(0), call.getType(), input);
      }
      case LIKE -> {
        return like(call, input);
      }
      case FLOOR -> {
        return floor(call, input);
      }
      case EXTRACT -> {
        return extract(call, input);
      }
      default -> {}
    }
    if (call.getOperator() == SqlStdOperatorTable.UPPER) {
      return functions.upper(rex(operands.get(0), input));
    }
    if (call.getOperator() == SqlStdOperatorTable.LOWER) {
      return functions.lower(rex(operands.get(0), input));
    }
    if (call.getOperator().getName().equals(ContributionHash.NAME)) {
      return contributionOrder(call, input);
    }
    throw unsupportedExpression("function " + call.getOperator().getName());
  }

  /**
   * A comparison with SQL's (and Calcite's) semantics: a NULL operand gives NULL, and a NaN is
   * unordered, so only {@code <>} holds for it (Spark orders NaN above every number).
   */
  private Column comparison(SqlKind kind, RexNode leftNode, RexNode rightNode, Relation input) {
    requireComparable(leftNode.getType());
    requireComparable(rightNode.getType());
    Column left = rex(leftNode, input);
    Column right = rex(rightNode, input);
    Column compared =
        switch (kind) {
          case EQUALS -> left.equalTo(right);
          case NOT_EQUALS -> left.notEqual(right);
          case LESS_THAN -> left.lt(right);
          case LESS_THAN_OR_EQUAL -> left.leq(right);
          case GREATER_THAN -> left.gt(right);
          default -> left.geq(right);
        };
    boolean leftDouble = isApproximate(leftNode.getType());
    boolean rightDouble = isApproximate(rightNode.getType());
    if (!leftDouble && !rightDouble) {
      return compared;
    }
    Column nan = null;
    if (leftDouble) {
      nan = isnan(left);
    }
    if (rightDouble) {
      nan = nan == null ? isnan(right) : nan.or(isnan(right));
    }
    return when(left.isNull().or(right.isNull()), lit(null).cast(DataTypes.BooleanType))
        .when(nan, lit(kind == SqlKind.NOT_EQUALS))
        .otherwise(compared);
  }

  private Column plusOrMinus(RexCall call, Relation input) {
    RexNode first = call.getOperands().get(0);
    RexNode second = call.getOperands().get(1);
    SqlTypeName firstType = first.getType().getSqlTypeName();
    if ((firstType == SqlTypeName.DATE || firstType == SqlTypeName.TIMESTAMP)
        && second instanceof RexLiteral interval
        && interval.getType().getSqlTypeName().getFamily()
            == org.apache.calcite.sql.type.SqlTypeFamily.INTERVAL_DAY_TIME) {
      BigDecimal millis = interval.getValueAs(BigDecimal.class);
      if (millis == null) {
        return lit(null);
      }
      long signed =
          call.getKind() == SqlKind.MINUS
              ? millis.negate().longValueExact()
              : millis.longValueExact();
      Column value = rex(first, input);
      if (firstType == SqlTypeName.DATE) {
        if (signed % 86_400_000L != 0) {
          throw unsupportedExpression("a DATE plus an interval that is not whole days");
        }
        return functions.date_add(value, lit((int) (signed / 86_400_000L)));
      }
      return functions.timestamp_add("MILLISECOND", lit(signed), value);
    }
    requireArithmetic(call);
    Column left = rex(first, input);
    Column right = rex(second, input);
    return call.getKind() == SqlKind.PLUS ? left.plus(right) : left.minus(right);
  }

  /**
   * Integer division truncates (Spark's {@code div}); a DOUBLE is divided only by a non-zero
   * literal, because Spark answers a division by zero with NULL or an error where Java gives an
   * infinity or NaN; DECIMAL quotients are refused (their rounding differs).
   */
  private Column divide(RexCall call, Relation input) {
    requireArithmetic(call);
    RexNode divisor = call.getOperands().get(1);
    Column left = rex(call.getOperands().get(0), input);
    Column right = rex(divisor, input);
    if (isInteger(call.getType())) {
      return integerDivide(left, right);
    }
    if (isApproximate(call.getType())
        && divisor instanceof RexLiteral literal
        && literal.getValueAs(Double.class) != null
        && literal.getValueAs(Double.class) != 0.0) {
      return left.cast(DataTypes.DoubleType).divide(right.cast(DataTypes.DoubleType));
    }
    throw unsupportedExpression(
        "division of " + call.getType().getSqlTypeName() + " values by a non-literal or zero");
  }

  private static Column integerDivide(Column left, Column right) {
    return call_function("div", left, right);
  }

  private Column cast(RexNode operand, RelDataType target, Relation input) {
    SqlTypeName from = operand.getType().getSqlTypeName();
    SqlTypeName to = target.getSqlTypeName();
    Column value = rex(operand, input);
    if (isApproximate(operand.getType())
        && (to == SqlTypeName.BIGINT || to == SqlTypeName.INTEGER)) {
      // Java's narrowing, as Calcite's code casts: toward zero, NaN to 0, beyond the range to
      // its nearest end; Spark's ANSI cast fails instead.
      double end = to == SqlTypeName.BIGINT ? LONG_RANGE_END : INT_RANGE_END;
      Object largest = to == SqlTypeName.BIGINT ? (Object) Long.MAX_VALUE : Integer.MAX_VALUE;
      Object smallest = to == SqlTypeName.BIGINT ? (Object) Long.MIN_VALUE : Integer.MIN_VALUE;
      DataType type = sparkType(target);
      return when(isnan(value), lit(0).cast(type))
          .when(value.geq(lit(end)), lit(largest).cast(type))
          .when(value.leq(lit(-end)), lit(smallest).cast(type))
          .otherwise(value.cast(type));
    }
    if (to == SqlTypeName.VARCHAR || to == SqlTypeName.CHAR) {
      if (from != SqlTypeName.VARCHAR
          && from != SqlTypeName.CHAR
          && !SqlTypeName.INT_TYPES.contains(from)) {
        throw unsupportedExpression("a cast from " + from + " to " + to);
      }
      Column text = value.cast(DataTypes.StringType);
      if (to == SqlTypeName.VARCHAR
          && target.getPrecision() != RelDataType.PRECISION_NOT_SPECIFIED) {
        text = functions.substring(text, 1, target.getPrecision());
      }
      return text;
    }
    if (from == SqlTypeName.VARCHAR || from == SqlTypeName.CHAR) {
      throw unsupportedExpression("a cast from " + from + " to " + to);
    }
    if ((from == SqlTypeName.DATE && to == SqlTypeName.TIMESTAMP)
        || (from == SqlTypeName.TIMESTAMP && to == SqlTypeName.DATE)
        || (isNumeric(from) && isNumeric(to))
        || from == to) {
      return value.cast(sparkType(target));
    }
    throw unsupportedExpression("a cast from " + from + " to " + to);
  }

  /**
   * LIKE and ILIKE with Calcite's semantics ({@link LikePattern}): a literal pattern without {@code
   * _} is Spark's {@code like} with every literal character escaped; one with {@code _} (which in
   * Calcite matches no line terminator) or ILIKE (which folds ASCII letters only) is an anchored
   * regular expression that says exactly that.
   */
  private Column like(RexCall call, Relation input) {
    boolean ignoreCase = call.getOperator() == SqlLibraryOperators.ILIKE;
    if (call.getOperator() != SqlStdOperatorTable.LIKE && !ignoreCase) {
      throw unsupportedExpression("function " + call.getOperator().getName());
    }
    List<RexNode> operands = call.getOperands();
    if (!(operands.get(1) instanceof RexLiteral patternLiteral)
        || patternLiteral.getValueAs(String.class) == null) {
      throw unsupportedExpression("LIKE with a pattern that is not a literal");
    }
    String escape = null;
    if (operands.size() > 2) {
      if (!(operands.get(2) instanceof RexLiteral escapeLiteral)
          || escapeLiteral.getValueAs(String.class) == null) {
        throw unsupportedExpression("LIKE with an escape that is not a literal");
      }
      escape = escapeLiteral.getValueAs(String.class);
    }
    String pattern = patternLiteral.getValueAs(String.class);
    if (!LikePattern.isValid(pattern, escape)) {
      throw unsupportedExpression("LIKE with an invalid pattern or escape");
    }
    List<Integer> tokens = LikeTokens.of(pattern, escape);
    Column text = rex(operands.get(0), input);
    if (!ignoreCase && !tokens.contains(LikeTokens.ANY_ONE)) {
      return text.like(LikeTokens.sparkLike(tokens));
    }
    return text.rlike(LikeTokens.regex(tokens, ignoreCase));
  }

  /** FLOOR(datetime TO unit), Calcite's truncation (its weeks start on Sunday). */
  private Column floor(RexCall call, Relation input) {
    if (call.getOperands().size() != 2
        || !(call.getOperands().get(1) instanceof RexLiteral unitLiteral)
        || !(unitLiteral.getValue() instanceof TimeUnitRange unit)) {
      throw unsupportedExpression("FLOOR of a number");
    }
    SqlTypeName type = call.getOperands().get(0).getType().getSqlTypeName();
    Column value = rex(call.getOperands().get(0), input);
    String format =
        switch (unit) {
          case YEAR -> "year";
          case QUARTER -> "quarter";
          case MONTH -> "month";
          case WEEK -> "week";
          case DAY -> "day";
          case HOUR -> "hour";
          case MINUTE -> "minute";
          case SECOND -> "second";
          default -> throw unsupportedExpression("FLOOR to " + unit);
        };
    if (type == SqlTypeName.DATE) {
      if (unit.startUnit.multiplier.compareTo(
                  org.apache.calcite.avatica.util.TimeUnit.DAY.multiplier)
              < 0
          && unit != TimeUnitRange.DAY) {
        throw unsupportedExpression("FLOOR of a DATE to " + unit);
      }
      if (unit == TimeUnitRange.DAY) {
        return value;
      }
      if (unit == TimeUnitRange.WEEK) {
        // Calcite's weeks start on Sunday, Spark's on Monday: the Monday of the next day's week,
        // one day back.
        return functions.date_add(functions.trunc(functions.date_add(value, 1), format), -1);
      }
      return functions.trunc(value, format);
    }
    if (type != SqlTypeName.TIMESTAMP) {
      throw unsupportedExpression("FLOOR of a " + type);
    }
    if (unit == TimeUnitRange.WEEK) {
      Column nextDay = functions.timestamp_add("DAY", lit(1), value);
      Column monday = functions.date_trunc(format, nextDay).cast(DataTypes.TimestampNTZType);
      return functions.timestamp_add("DAY", lit(-1), monday);
    }
    return functions.date_trunc(format, value).cast(DataTypes.TimestampNTZType);
  }

  /** EXTRACT(unit FROM datetime) as Calcite reads it (WEEK is the ISO week, DOW 1 = Sunday). */
  private Column extract(RexCall call, Relation input) {
    if (!(call.getOperands().get(0) instanceof RexLiteral unitLiteral)
        || !(unitLiteral.getValue() instanceof TimeUnitRange unit)) {
      throw unsupportedExpression("EXTRACT without a unit");
    }
    SqlTypeName type = call.getOperands().get(1).getType().getSqlTypeName();
    if (type != SqlTypeName.DATE && type != SqlTypeName.TIMESTAMP) {
      throw unsupportedExpression("EXTRACT from a " + type);
    }
    Column value = rex(call.getOperands().get(1), input);
    boolean date = type == SqlTypeName.DATE;
    return switch (unit) {
      case YEAR -> functions.year(value);
      case QUARTER -> functions.quarter(value);
      case MONTH -> functions.month(value);
      case WEEK -> functions.weekofyear(value);
      case DAY -> functions.dayofmonth(value);
      case DOW -> functions.dayofweek(value);
      case HOUR -> date ? lit(0) : functions.hour(value);
      case MINUTE -> date ? lit(0) : functions.minute(value);
      default -> throw unsupportedExpression("EXTRACT of " + unit);
    };
  }

  /**
   * The keyed hash: its two key literals become one sealed BINARY literal, which only the Spark
   * side unseals, so the contribution key is in no plan text, log or Spark UI.
   */
  private Column contributionOrder(RexCall call, Relation input) {
    List<RexNode> operands = call.getOperands();
    if (operands.size() < 3
        || !(operands.get(0) instanceof RexLiteral key0)
        || !(operands.get(1) instanceof RexLiteral key1)
        || key0.getValueAs(Long.class) == null
        || key1.getValueAs(Long.class) == null) {
      throw unsupportedExpression(ContributionHash.NAME + " without literal keys");
    }
    long first = key0.getValueAs(Long.class);
    long second = key1.getValueAs(Long.class);
    byte[] sealed =
        sealedKeys.computeIfAbsent(
            first + ":" + second,
            k -> sealer.seal(ByteBuffer.allocate(16).putLong(first).putLong(second).array()));
    List<Column> arguments = new ArrayList<>();
    arguments.add(lit(sealed));
    for (int i = 2; i < operands.size(); i++) {
      RexNode operand = operands.get(i);
      sparkType(operand.getType());
      arguments.add(rex(operand, input));
    }
    return call_function(CONTRIBUTION_ORDER_FUNCTION, arguments.toArray(Column[]::new));
  }

  private Column literal(RexLiteral literal) {
    RelDataType type = literal.getType();
    SqlTypeName name = type.getSqlTypeName();
    if (literal.isNull()) {
      return lit(null).cast(sparkType(type));
    }
    Column value =
        switch (name) {
          case BOOLEAN -> lit(literal.getValueAs(Boolean.class));
          case INTEGER -> lit(literal.getValueAs(Integer.class));
          case BIGINT -> lit(literal.getValueAs(Long.class));
          case DOUBLE, FLOAT, REAL -> lit(literal.getValueAs(Double.class));
          case DECIMAL -> lit(literal.getValueAs(BigDecimal.class));
          case CHAR, VARCHAR -> lit(literal.getValueAs(String.class));
          case DATE -> lit(LocalDate.ofEpochDay(literal.getValueAs(Integer.class)));
          case TIMESTAMP ->
              lit(
                  LocalDateTime.ofEpochSecond(
                      Math.floorDiv(literal.getValueAs(Long.class), 1000L),
                      (int) Math.floorMod(literal.getValueAs(Long.class), 1000L) * 1_000_000,
                      ZoneOffset.UTC));
          default -> throw unsupportedExpression("a literal of type " + name);
        };
    return typed(value, type);
  }

  /** A value cast to the plan's type; CHAR(n) padded to its length as Calcite holds it. */
  private Column typed(Column value, RelDataType type) {
    Column cast = value.cast(sparkType(type));
    if (type.getSqlTypeName() == SqlTypeName.CHAR
        && type.getPrecision() != RelDataType.PRECISION_NOT_SPECIFIED) {
      return functions.rpad(cast, type.getPrecision(), " ");
    }
    return cast;
  }

  /** The Spark type holding a plan type; the declared types, CHAR for literals' text. */
  static DataType sparkType(RelDataType type) {
    return switch (type.getSqlTypeName()) {
      case BOOLEAN -> DataTypes.BooleanType;
      case INTEGER -> DataTypes.IntegerType;
      case BIGINT -> DataTypes.LongType;
      case DOUBLE, FLOAT -> DataTypes.DoubleType;
      case DECIMAL -> DataTypes.createDecimalType(type.getPrecision(), type.getScale());
      case CHAR, VARCHAR -> DataTypes.StringType;
      case DATE -> DataTypes.DateType;
      case TIMESTAMP -> DataTypes.TimestampNTZType;
      default -> throw unsupportedExpression("type " + type.getSqlTypeName());
    };
  }

  private static void requireArithmetic(RexCall call) {
    if (!isNumeric(call.getType().getSqlTypeName())) {
      throw unsupportedExpression(call.getOperator().getName() + " of " + call.getType());
    }
    for (RexNode operand : call.getOperands()) {
      if (!isNumeric(operand.getType().getSqlTypeName())) {
        throw unsupportedExpression(
            call.getOperator().getName() + " of a " + operand.getType().getSqlTypeName());
      }
    }
    if (call.getKind() == SqlKind.DIVIDE
        && call.getType().getSqlTypeName() == SqlTypeName.DECIMAL) {
      throw unsupportedExpression("division of DECIMAL values");
    }
  }

  private static void requireComparable(RelDataType type) {
    sparkType(type);
  }

  private static boolean isNumeric(SqlTypeName name) {
    return name == SqlTypeName.INTEGER
        || name == SqlTypeName.BIGINT
        || name == SqlTypeName.DOUBLE
        || name == SqlTypeName.FLOAT
        || name == SqlTypeName.DECIMAL;
  }

  private static boolean isInteger(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.INTEGER
        || type.getSqlTypeName() == SqlTypeName.BIGINT;
  }

  private static boolean isApproximate(RelDataType type) {
    return type.getSqlTypeName() == SqlTypeName.DOUBLE
        || type.getSqlTypeName() == SqlTypeName.FLOAT
        || type.getSqlTypeName() == SqlTypeName.REAL;
  }

  private List<String> names(int count) {
    int relation = relations++;
    List<String> names = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      names.add("r" + relation + "_" + i);
    }
    return names;
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  private static ExecutionException unsupportedPlan(String what) {
    return new ExecutionException(
        ExecutionErrorCode.UNSUPPORTED_PLAN, what + " is not supported by the Spark engine");
  }

  static ExecutionException unsupportedExpression(String what) {
    return new ExecutionException(
        ExecutionErrorCode.UNSUPPORTED_EXPRESSION, what + " is not supported by the Spark engine");
  }
}
