package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.spi.FailureModel;
import dev.cleanroom.spi.KeyedHashFunction;
import dev.cleanroom.spi.LikePattern;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.QueryProvider;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Evaluates a scalar expression over a whole relation, a column at a time. Comparisons, boolean
 * logic, null tests, arithmetic, widening casts, CASE and COALESCE run as loops over primitive
 * arrays; LIKE with a literal pattern runs the linear-time {@link LikePattern}. Any other function
 * runs through Calcite's own scalar code (compiled once per expression, so its semantics are
 * Calcite's by construction): once per dictionary entry when its only input is a dictionary-encoded
 * string column, otherwise once per row.
 */
final class ExpressionEvaluator {
  private static final JavaTypeFactory TYPE_FACTORY = new JavaTypeFactoryImpl();

  private final QueryContext context;
  private final RexBuilder rexBuilder;
  private final Map<String, KeyedHashFunction> keyedHashes;
  private final CompiledExpressions compiled;
  // Per query: whether a CASE or COALESCE may be evaluated eagerly, decided once per expression
  // rather than once per batch (the model may evaluate a constant call with Calcite's code).
  private final Map<RexNode, Boolean> eagerlySafe = new ConcurrentHashMap<>();

  ExpressionEvaluator(
      QueryContext context,
      RexBuilder rexBuilder,
      Map<String, KeyedHashFunction> keyedHashes,
      CompiledExpressions compiled) {
    this.context = requireNonNull(context, "context is null");
    this.rexBuilder = requireNonNull(rexBuilder, "rexBuilder is null");
    this.keyedHashes = requireNonNull(keyedHashes, "keyedHashes is null");
    this.compiled = requireNonNull(compiled, "compiled is null");
  }

  Column evaluate(RexNode node, Relation input, RelDataType inputType) {
    return eval(RexUtil.expandSearch(rexBuilder, null, node), input, inputType);
  }

  private Column eval(RexNode node, Relation input, RelDataType inputType) {
    if (node instanceof RexInputRef ref) {
      return input.column(ref.getIndex());
    }
    if (node instanceof RexLiteral literal) {
      return literal(literal);
    }
    if (node instanceof RexOver) {
      throw unsupported("a window function nested inside an expression");
    }
    if (node instanceof RexCall call) {
      KeyedHashFunction keyedHash = keyedHashes.get(call.getOperator().getName());
      if (keyedHash != null && hasLiteralKeys(call)) {
        return keyedHash(keyedHash, call, input, inputType);
      }
      Column vectorized = vectorized(call, input, inputType);
      return vectorized != null ? vectorized : rowByRow(call, input, inputType);
    }
    throw unsupported("expression kind " + node.getKind());
  }

  static ConstantColumn literal(RexLiteral literal) {
    if (literal.isNull()) {
      return new ConstantColumn(null);
    }
    RelDataType type = literal.getType();
    if (!Types.isSupported(type)) {
      throw unsupported("a literal of type " + type.getSqlTypeName());
    }
    Object value =
        switch (type.getSqlTypeName()) {
          case BOOLEAN -> literal.getValueAs(Boolean.class) ? 1L : 0L;
          case DATE, TIME -> (long) literal.getValueAs(Integer.class);
          case TIMESTAMP -> literal.getValueAs(Long.class);
          case TINYINT, SMALLINT, INTEGER, BIGINT -> literal.getValueAs(Long.class);
          case DOUBLE, FLOAT, REAL -> literal.getValueAs(Double.class);
          case CHAR, VARCHAR -> literal.getValueAs(String.class);
          case DECIMAL -> literal.getValueAs(BigDecimal.class);
          default -> throw unsupported("a literal of type " + type.getSqlTypeName());
        };
    return new ConstantColumn(value);
  }

  // ---- vectorized operators -------------------------------------------------------------

  /** The column of {@code call}, or null when no vectorized loop implements it. */
  private Column vectorized(RexCall call, Relation input, RelDataType inputType) {
    Column shifted = timestampShift(call, input, inputType);
    if (shifted != null) {
      return shifted;
    }
    for (RexNode operand : call.getOperands()) {
      if (!Types.isSupported(operand.getType())) {
        return null;
      }
    }
    if (!Types.isSupported(call.getType())) {
      return null;
    }
    int n = input.rowCount();
    SqlKind kind = call.getKind();
    switch (kind) {
      case EQUALS,
          NOT_EQUALS,
          LESS_THAN,
          LESS_THAN_OR_EQUAL,
          GREATER_THAN,
          GREATER_THAN_OR_EQUAL -> {
        Types.Kind left = Types.kind(call.getOperands().get(0).getType());
        Types.Kind right = Types.kind(call.getOperands().get(1).getType());
        boolean numeric = isNumericKind(left) && isNumericKind(right);
        boolean sameObjects =
            left == right && (left == Types.Kind.STRING || left == Types.Kind.DECIMAL);
        if (!numeric && !sameObjects) {
          return null;
        }
        Column a = eval(call.getOperands().get(0), input, inputType);
        Column b = eval(call.getOperands().get(1), input, inputType);
        if (numeric) {
          return left == Types.Kind.LONG && right == Types.Kind.LONG
              ? compareLongs(kind, a, b, n)
              : compareDoubles(kind, a, b, n);
        }
        return compareObjects(kind, a, b, n);
      }
      case AND, OR -> {
        List<Column> operands = new ArrayList<>();
        for (RexNode operand : call.getOperands()) {
          operands.add(eval(operand, input, inputType));
        }
        return kind == SqlKind.AND ? and(operands, n) : or(operands, n);
      }
      case NOT -> {
        Column a = eval(call.getOperands().get(0), input, inputType);
        if (a instanceof LongColumn longs) {
          // NULL stays NULL (same mask), TRUE and FALSE swap.
          long[] values = context.memory().longs(n);
          long[] from = longs.values();
          context.parallelRanges(
              n,
              (part, lo, hi) -> {
                for (int i = lo; i < hi; i++) {
                  values[i] = from[i] == 0 ? 1 : 0;
                }
              });
          return new LongColumn(values, longs.nulls());
        }
        return map(a, n, (isNull, value) -> isNull ? NULL : value == 0 ? 1 : 0);
      }
      case IS_NULL, IS_NOT_NULL -> {
        Column a = eval(call.getOperands().get(0), input, inputType);
        long[] values = context.memory().longs(n);
        boolean wantNull = kind == SqlKind.IS_NULL;
        for (int i = 0; i < n; i++) {
          values[i] = a.isNull(i) == wantNull ? 1 : 0;
        }
        return new LongColumn(values, null);
      }
      case IS_TRUE, IS_NOT_TRUE, IS_FALSE, IS_NOT_FALSE -> {
        Column a = eval(call.getOperands().get(0), input, inputType);
        long[] values = context.memory().longs(n);
        for (int i = 0; i < n; i++) {
          boolean isNull = a.isNull(i);
          long value = isNull ? 0 : a.longAt(i);
          boolean result =
              switch (kind) {
                case IS_TRUE -> !isNull && value != 0;
                case IS_NOT_TRUE -> isNull || value == 0;
                case IS_FALSE -> !isNull && value == 0;
                default -> isNull || value != 0;
              };
          values[i] = result ? 1 : 0;
        }
        return new LongColumn(values, null);
      }
      case PLUS, MINUS, TIMES, DIVIDE, MINUS_PREFIX -> {
        if (!isArithmeticType(call.getType())) {
          return null;
        }
        for (RexNode operand : call.getOperands()) {
          if (!isArithmeticType(operand.getType())) {
            return null;
          }
        }
        List<Column> operands = new ArrayList<>();
        for (RexNode operand : call.getOperands()) {
          operands.add(eval(operand, input, inputType));
        }
        return Types.kind(call.getType()) == Types.Kind.LONG
            ? longArithmetic(kind, operands, call.getType().getSqlTypeName(), n)
            : doubleArithmetic(kind, operands, n);
      }
      case CAST -> {
        RelDataType from = call.getOperands().get(0).getType();
        RelDataType to = call.getType();
        if (from.getSqlTypeName() == SqlTypeName.DOUBLE
            && to.getSqlTypeName() == SqlTypeName.BIGINT) {
          FixedPoint fixedPoint = FixedPoint.of(call.getOperands().get(0));
          if (fixedPoint != null) {
            Clamp clamp = eagerClamp(fixedPoint.value());
            if (clamp != null && Types.kind(clamp.value().getType()) == Types.Kind.DOUBLE) {
              return clampedFixedPoint(eval(clamp.value(), input, inputType), clamp, fixedPoint, n);
            }
            return fixedPoint(eval(fixedPoint.value(), input, inputType), fixedPoint, n);
          }
          return truncatedToLong(eval(call.getOperands().get(0), input, inputType), n);
        }
        if (!isNativeCast(from, to)) {
          return null;
        }
        Column a = eval(call.getOperands().get(0), input, inputType);
        if (Types.kind(to) == Types.kind(from)) {
          return a;
        }
        double[] values = context.memory().doubles(n);
        boolean[] nulls = null;
        for (int i = 0; i < n; i++) {
          if (a.isNull(i)) {
            nulls = setNull(nulls, i, n);
          } else {
            values[i] = a.longAt(i);
          }
        }
        return new DoubleColumn(values, nulls);
      }
      case LIKE -> {
        boolean ignoreCase = call.getOperator() == SqlLibraryOperators.ILIKE;
        if (call.getOperator() != SqlStdOperatorTable.LIKE && !ignoreCase) {
          return null;
        }
        LikePattern pattern = likePattern(call, ignoreCase);
        return pattern == null
            ? null
            : like(eval(call.getOperands().get(0), input, inputType), pattern, n);
      }
      case CASE, COALESCE -> {
        Types.Kind resultKind = Types.kind(call.getType());
        if (!isNumericKind(resultKind)
            || !eagerlySafe.computeIfAbsent(call, c -> !FailureModel.mayFailAnywhere(c))) {
          // Evaluating every branch on every row is right only when no branch can fail: lazily,
          // a failing branch would fail just when some row reaches it.
          return null;
        }
        if (kind == SqlKind.CASE) {
          Clamp clamp = Clamp.of(call);
          if (clamp != null) {
            return clamp(eval(clamp.value(), input, inputType), clamp, resultKind, n);
          }
        }
        List<Column> operands = new ArrayList<>();
        for (RexNode operand : call.getOperands()) {
          operands.add(eval(operand, input, inputType));
        }
        return kind == SqlKind.CASE
            ? caseWhen(operands, resultKind, n)
            : coalesce(operands, resultKind, n);
      }
      default -> {
        return null;
      }
    }
  }

  /**
   * The compiled pattern of a LIKE (or ILIKE) with a valid literal pattern and escape, else {@code
   * null}.
   */
  private static LikePattern likePattern(RexCall call, boolean ignoreCase) {
    List<RexNode> operands = call.getOperands();
    if (!(operands.get(1) instanceof RexLiteral pattern)
        || pattern.getValueAs(String.class) == null) {
      return null;
    }
    String escape = null;
    if (operands.size() > 2) {
      if (!(operands.get(2) instanceof RexLiteral escapeLiteral)
          || escapeLiteral.getValueAs(String.class) == null) {
        return null;
      }
      escape = escapeLiteral.getValueAs(String.class);
    }
    String text = pattern.getValueAs(String.class);
    return LikePattern.isValid(text, escape) ? LikePattern.compile(text, escape, ignoreCase) : null;
  }

  /**
   * {@code x LIKE pattern} with the linear-time matcher: once per dictionary entry for a
   * dictionary-encoded column, else once per row.
   */
  private LongColumn like(Column text, LikePattern pattern, int n) {
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    if (text instanceof DictionaryColumn dictionaryColumn) {
      StringDictionary dictionary = dictionaryColumn.dictionary();
      boolean[] matches = new boolean[dictionary.size()];
      for (int code = 0; code < dictionary.size(); code++) {
        matches[code] = pattern.matches(dictionary.value(code));
      }
      int[] codes = dictionaryColumn.codes();
      for (int i = 0; i < n; i++) {
        if (codes[i] < 0) {
          nulls = setNull(nulls, i, n);
        } else {
          values[i] = matches[codes[i]] ? 1 : 0;
        }
      }
      return new LongColumn(values, nulls);
    }
    for (int i = 0; i < n; i++) {
      if (text.isNull(i)) {
        nulls = setNull(nulls, i, n);
      } else {
        values[i] = pattern.matches((String) text.objectAt(i)) ? 1 : 0;
      }
    }
    return new LongColumn(values, nulls);
  }

  /**
   * {@code CAST(double AS BIGINT)} as Java's {@code (long)} narrowing, which is what Calcite's
   * generated code does: toward zero, NaN to 0, beyond the range to the nearest end; it never
   * fails.
   */
  /**
   * The private plans' conversion of a clamped DOUBLE into whole fixed-point units, {@code CAST(v *
   * scale + offset AS BIGINT)} with DOUBLE literals: recognised so that it is one loop, computing
   * exactly what the three steps compute (each operation rounded to a double, then truncated).
   */
  record FixedPoint(RexNode value, double scale, double offset) {
    static FixedPoint of(RexNode node) {
      if (!(node instanceof RexCall plus)
          || plus.getKind() != SqlKind.PLUS
          || plus.getType().getSqlTypeName() != SqlTypeName.DOUBLE
          || !(plus.getOperands().get(0) instanceof RexCall times)
          || times.getKind() != SqlKind.TIMES
          || times.getType().getSqlTypeName() != SqlTypeName.DOUBLE
          || times.getOperands().get(0).getType().getSqlTypeName() != SqlTypeName.DOUBLE
          || !(times.getOperands().get(1) instanceof RexLiteral scale)
          || !(plus.getOperands().get(1) instanceof RexLiteral offset)
          || scale.isNull()
          || offset.isNull()
          || scale.getType().getSqlTypeName() != SqlTypeName.DOUBLE
          || offset.getType().getSqlTypeName() != SqlTypeName.DOUBLE) {
        return null;
      }
      return new FixedPoint(
          times.getOperands().get(0),
          scale.getValueAs(Double.class),
          offset.getValueAs(Double.class));
    }
  }

  private LongColumn fixedPoint(Column value, FixedPoint fixedPoint, int n) {
    long[] values = context.memory().longs(n);
    double scale = fixedPoint.scale();
    double offset = fixedPoint.offset();
    boolean[] nulls = null;
    if (value instanceof DoubleColumn doubles) {
      double[] from = doubles.values();
      boolean[] fromNulls = doubles.nulls();
      context.parallelRanges(
          n,
          (part, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
              double scaled = from[i] * scale;
              values[i] = fromNulls != null && fromNulls[i] ? 0 : (long) (scaled + offset);
            }
          });
      // The mask is the input's: columns are never written after they are made.
      return new LongColumn(values, fromNulls);
    }
    for (int i = 0; i < n; i++) {
      if (value.isNull(i)) {
        nulls = setNull(nulls, i, n);
      } else {
        double scaled = value.doubleAt(i) * scale;
        values[i] = (long) (scaled + offset);
      }
    }
    return new LongColumn(values, nulls);
  }

  /**
   * {@code node} as a clamp that may be evaluated eagerly (its CASE cannot fail on any row), else
   * {@code null}.
   */
  private Clamp eagerClamp(RexNode node) {
    if (!(node instanceof RexCall call)
        || call.getKind() != SqlKind.CASE
        || !isNumericKind(Types.kind(call.getType()))) {
      return null;
    }
    Clamp clamp = Clamp.of(call);
    return clamp != null && eagerlySafe.computeIfAbsent(call, c -> !FailureModel.mayFailAnywhere(c))
        ? clamp
        : null;
  }

  /**
   * A fixed-point conversion of a clamped DOUBLE in one loop, without the clamp's column between:
   * per row the clamp's value, then the same double operations as {@link #fixedPoint}.
   */
  private LongColumn clampedFixedPoint(Column value, Clamp clamp, FixedPoint fixedPoint, int n) {
    double lower = clamp.lower().getValueAs(Double.class);
    double upper = clamp.upper().getValueAs(Double.class);
    double scale = fixedPoint.scale();
    double offset = fixedPoint.offset();
    long[] values = context.memory().longs(n);
    if (value instanceof DoubleColumn doubles) {
      double[] from = doubles.values();
      boolean[] fromNulls = doubles.nulls();
      context.parallelRanges(
          n,
          (part, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
              double x = from[i];
              double clamped = clamped(x, lower, upper);
              double scaled = clamped * scale;
              values[i] = fromNulls != null && fromNulls[i] ? 0 : (long) (scaled + offset);
            }
          });
      return new LongColumn(values, fromNulls);
    }
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      if (value.isNull(i)) {
        nulls = setNull(nulls, i, n);
        continue;
      }
      double x = value.doubleAt(i);
      double clamped = clamped(x, lower, upper);
      double scaled = clamped * scale;
      values[i] = (long) (scaled + offset);
    }
    return new LongColumn(values, nulls);
  }

  private LongColumn truncatedToLong(Column a, int n) {
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      if (a.isNull(i)) {
        nulls = setNull(nulls, i, n);
      } else {
        values[i] = (long) a.doubleAt(i);
      }
    }
    return new LongColumn(values, nulls);
  }

  /**
   * {@code timestamp + interval} or {@code timestamp - interval} for a literal day-time interval
   * (as in {@code p.ts <= i.ts + INTERVAL '7' DAY}): the timestamp's milliseconds plus the
   * interval's, added as Calcite's generated code adds them (Java's {@code long} arithmetic, which
   * never fails); null for any other call. Year-month intervals need the calendar and stay with
   * Calcite's code.
   */
  private Column timestampShift(RexCall call, Relation input, RelDataType inputType) {
    SqlKind kind = call.getKind();
    if ((kind != SqlKind.PLUS && kind != SqlKind.MINUS)
        || call.getType().getSqlTypeName() != SqlTypeName.TIMESTAMP
        || call.getOperands().size() != 2) {
      return null;
    }
    RexNode first = call.getOperands().get(0);
    RexNode second = call.getOperands().get(1);
    if (kind == SqlKind.PLUS && isDayTimeIntervalLiteral(first)) {
      RexNode swap = first;
      first = second;
      second = swap;
    }
    if (first.getType().getSqlTypeName() != SqlTypeName.TIMESTAMP
        || !isDayTimeIntervalLiteral(second)) {
      return null;
    }
    Long interval = ((RexLiteral) second).getValueAs(Long.class);
    int n = input.rowCount();
    if (interval == null) {
      return new ConstantColumn(null);
    }
    long millis = kind == SqlKind.PLUS ? interval : -interval;
    Column timestamps = eval(first, input, inputType);
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      if (timestamps.isNull(i)) {
        nulls = setNull(nulls, i, n);
      } else {
        values[i] = timestamps.longAt(i) + millis;
      }
    }
    return new LongColumn(values, nulls);
  }

  private static boolean isDayTimeIntervalLiteral(RexNode node) {
    return node instanceof RexLiteral
        && SqlTypeName.DAY_INTERVAL_TYPES.contains(node.getType().getSqlTypeName());
  }

  private static final long NULL = Long.MIN_VALUE;

  @FunctionalInterface
  private interface LongUnary {
    long apply(boolean isNull, long value);
  }

  private LongColumn map(Column a, int n, LongUnary function) {
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      boolean isNull = a.isNull(i);
      long result = function.apply(isNull, isNull ? 0 : a.longAt(i));
      if (result == NULL) {
        nulls = setNull(nulls, i, n);
      } else {
        values[i] = result;
      }
    }
    return new LongColumn(values, nulls);
  }

  private boolean[] setNull(boolean[] nulls, int row, int n) {
    boolean[] result = nulls != null ? nulls : context.memory().booleans(n);
    result[row] = true;
    return result;
  }

  private static boolean isNumericKind(Types.Kind kind) {
    return kind == Types.Kind.LONG || kind == Types.Kind.DOUBLE;
  }

  private static boolean isArithmeticType(RelDataType type) {
    return switch (type.getSqlTypeName()) {
      case TINYINT, SMALLINT, INTEGER, BIGINT, DOUBLE, FLOAT -> true;
      default -> false;
    };
  }

  /**
   * Whether the executor computes {@code CAST(from AS to)} itself: a cast that {@linkplain
   * FailureModel#castMayFail cannot fail} between types of one representation, or from an integer
   * to a double, which it computes as Java's widening does, like Calcite's code.
   */
  private static boolean isNativeCast(RelDataType from, RelDataType to) {
    if (FailureModel.castMayFail(from, to)) {
      return false;
    }
    SqlTypeName source = from.getSqlTypeName();
    SqlTypeName target = to.getSqlTypeName();
    if (source == target
        && source != SqlTypeName.CHAR
        && source != SqlTypeName.VARCHAR
        && source != SqlTypeName.DECIMAL) {
      return true;
    }
    int sourceRank = integerRank(source);
    int targetRank = integerRank(target);
    if (sourceRank > 0 && targetRank >= sourceRank) {
      return true;
    }
    return sourceRank > 0 && (target == SqlTypeName.DOUBLE || target == SqlTypeName.FLOAT);
  }

  private static int integerRank(SqlTypeName name) {
    return switch (name) {
      case TINYINT -> 1;
      case SMALLINT -> 2;
      case INTEGER -> 3;
      case BIGINT -> 4;
      default -> 0;
    };
  }

  private static boolean test(SqlKind kind, int comparison) {
    return switch (kind) {
      case EQUALS -> comparison == 0;
      case NOT_EQUALS -> comparison != 0;
      case LESS_THAN -> comparison < 0;
      case LESS_THAN_OR_EQUAL -> comparison <= 0;
      case GREATER_THAN -> comparison > 0;
      default -> comparison >= 0;
    };
  }

  private LongColumn compareLongs(SqlKind kind, Column a, Column b, int n) {
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    if (a instanceof LongColumn column
        && b instanceof ConstantColumn constant
        && constant.value() != null) {
      // The common filter shape, e.g. rank <= 3: a tight loop over the array.
      long[] left = column.values();
      long right = constant.longAt(0);
      for (int i = 0; i < n; i++) {
        values[i] = test(kind, Long.compare(left[i], right)) ? 1 : 0;
      }
      boolean[] sourceNulls = column.nulls();
      if (sourceNulls != null) {
        nulls = context.memory().booleans(n);
        System.arraycopy(sourceNulls, 0, nulls, 0, n);
      }
      return new LongColumn(values, nulls);
    }
    for (int i = 0; i < n; i++) {
      if (a.isNull(i) || b.isNull(i)) {
        nulls = setNull(nulls, i, n);
      } else {
        values[i] = test(kind, Long.compare(a.longAt(i), b.longAt(i))) ? 1 : 0;
      }
    }
    return new LongColumn(values, nulls);
  }

  private LongColumn compareDoubles(SqlKind kind, Column a, Column b, int n) {
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      if (a.isNull(i) || b.isNull(i)) {
        nulls = setNull(nulls, i, n);
      } else {
        double left = a.doubleAt(i);
        double right = b.doubleAt(i);
        // SQL comparison of doubles is numeric (-0.0 = 0.0), unlike Double.compare, and NaN is
        // unordered as in the reference engine: only <> holds, so NaN falls through a clamp's CASE.
        if (Double.isNaN(left) || Double.isNaN(right)) {
          values[i] = kind == SqlKind.NOT_EQUALS ? 1 : 0;
          continue;
        }
        int comparison = left < right ? -1 : left > right ? 1 : 0;
        values[i] = test(kind, comparison) ? 1 : 0;
      }
    }
    return new LongColumn(values, nulls);
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private LongColumn compareObjects(SqlKind kind, Column a, Column b, int n) {
    if (b instanceof DictionaryColumn && a instanceof ConstantColumn) {
      return compareObjects(reverse(kind), b, a, n);
    }
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    if (a instanceof DictionaryColumn dictionaryColumn && b instanceof ConstantColumn constant) {
      if (constant.value() == null) {
        boolean[] allNull = context.memory().booleans(n);
        java.util.Arrays.fill(allNull, true);
        return new LongColumn(values, allNull);
      }
      // Decide once per distinct string, then look the answer up by code.
      StringDictionary dictionary = dictionaryColumn.dictionary();
      Comparable right = (Comparable) constant.value();
      boolean[] answer = new boolean[dictionary.size()];
      for (int code = 0; code < answer.length; code++) {
        answer[code] = test(kind, ((Comparable) dictionary.value(code)).compareTo(right));
      }
      int[] codes = dictionaryColumn.codes();
      for (int i = 0; i < n; i++) {
        int code = codes[i];
        if (code < 0) {
          nulls = setNull(nulls, i, n);
        } else {
          values[i] = answer[code] ? 1 : 0;
        }
      }
      return new LongColumn(values, nulls);
    }
    if (a instanceof DictionaryColumn left
        && b instanceof DictionaryColumn right
        && left.dictionary() == right.dictionary()
        && (kind == SqlKind.EQUALS || kind == SqlKind.NOT_EQUALS)) {
      for (int i = 0; i < n; i++) {
        int leftCode = left.codes()[i];
        int rightCode = right.codes()[i];
        if (leftCode < 0 || rightCode < 0) {
          nulls = setNull(nulls, i, n);
        } else {
          values[i] = (leftCode == rightCode) == (kind == SqlKind.EQUALS) ? 1 : 0;
        }
      }
      return new LongColumn(values, nulls);
    }
    for (int i = 0; i < n; i++) {
      Object left = a.objectAt(i);
      Object right = b.objectAt(i);
      if (left == null || right == null) {
        nulls = setNull(nulls, i, n);
      } else {
        values[i] = test(kind, ((Comparable) left).compareTo(right)) ? 1 : 0;
      }
    }
    return new LongColumn(values, nulls);
  }

  private static SqlKind reverse(SqlKind kind) {
    return switch (kind) {
      case LESS_THAN -> SqlKind.GREATER_THAN;
      case LESS_THAN_OR_EQUAL -> SqlKind.GREATER_THAN_OR_EQUAL;
      case GREATER_THAN -> SqlKind.LESS_THAN;
      case GREATER_THAN_OR_EQUAL -> SqlKind.LESS_THAN_OR_EQUAL;
      default -> kind;
    };
  }

  private LongColumn and(List<Column> operands, int n) {
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      boolean anyNull = false;
      boolean anyFalse = false;
      for (Column operand : operands) {
        if (operand.isNull(i)) {
          anyNull = true;
        } else if (operand.longAt(i) == 0) {
          anyFalse = true;
          break;
        }
      }
      if (anyFalse) {
        values[i] = 0;
      } else if (anyNull) {
        nulls = setNull(nulls, i, n);
      } else {
        values[i] = 1;
      }
    }
    return new LongColumn(values, nulls);
  }

  private LongColumn or(List<Column> operands, int n) {
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      boolean anyNull = false;
      boolean anyTrue = false;
      for (Column operand : operands) {
        if (operand.isNull(i)) {
          anyNull = true;
        } else if (operand.longAt(i) != 0) {
          anyTrue = true;
          break;
        }
      }
      if (anyTrue) {
        values[i] = 1;
      } else if (anyNull) {
        nulls = setNull(nulls, i, n);
      } else {
        values[i] = 0;
      }
    }
    return new LongColumn(values, nulls);
  }

  private LongColumn longArithmetic(
      SqlKind kind, List<Column> operands, SqlTypeName resultType, int n) {
    long[] values = context.memory().longs(n);
    boolean[] nulls = null;
    Column a = operands.get(0);
    Column b = operands.size() > 1 ? operands.get(1) : null;
    long min = minimum(resultType);
    long max = -(min + 1);
    try {
      for (int i = 0; i < n; i++) {
        if (a.isNull(i) || (b != null && b.isNull(i))) {
          nulls = setNull(nulls, i, n);
          continue;
        }
        long x = a.longAt(i);
        long result =
            switch (kind) {
              case PLUS -> Math.addExact(x, b.longAt(i));
              case MINUS -> Math.subtractExact(x, b.longAt(i));
              case TIMES -> Math.multiplyExact(x, b.longAt(i));
              case DIVIDE -> divide(x, b.longAt(i));
              default -> Math.negateExact(x);
            };
        if (result < min || result > max) {
          throw overflow();
        }
        values[i] = result;
      }
    } catch (ArithmeticException e) {
      throw overflow();
    }
    return new LongColumn(values, nulls);
  }

  private static long divide(long x, long y) {
    if (y == 0) {
      throw new ExecutionException(ExecutionErrorCode.ARITHMETIC_ERROR, "division by zero");
    }
    if (x == Long.MIN_VALUE && y == -1) {
      throw overflow();
    }
    return x / y;
  }

  private static long minimum(SqlTypeName type) {
    return switch (type) {
      case TINYINT -> Byte.MIN_VALUE;
      case SMALLINT -> Short.MIN_VALUE;
      case INTEGER -> Integer.MIN_VALUE;
      default -> Long.MIN_VALUE;
    };
  }

  private static ExecutionException overflow() {
    return new ExecutionException(
        ExecutionErrorCode.ARITHMETIC_ERROR, "integer overflow in an arithmetic expression");
  }

  private DoubleColumn doubleArithmetic(SqlKind kind, List<Column> operands, int n) {
    double[] values = context.memory().doubles(n);
    boolean[] nulls = null;
    Column a = operands.get(0);
    Column b = operands.size() > 1 ? operands.get(1) : null;
    for (int i = 0; i < n; i++) {
      if (a.isNull(i) || (b != null && b.isNull(i))) {
        nulls = setNull(nulls, i, n);
        continue;
      }
      double x = a.doubleAt(i);
      values[i] =
          switch (kind) {
            case PLUS -> x + b.doubleAt(i);
            case MINUS -> x - b.doubleAt(i);
            case TIMES -> x * b.doubleAt(i);
            case DIVIDE -> x / b.doubleAt(i);
            default -> -x;
          };
    }
    return new DoubleColumn(values, nulls);
  }

  /**
   * The private plans' clamp, {@code CASE WHEN v IS NULL THEN v WHEN v >= lower AND v <= upper THEN
   * v WHEN v > upper THEN upper ELSE lower END} with literal bounds of v's type: recognised so that
   * v is evaluated once and the clamp is one loop, with the CASE's own semantics (NULL stays NULL,
   * a NaN fails every comparison and becomes the lower bound).
   */
  record Clamp(RexNode value, RexLiteral lower, RexLiteral upper) {
    /** Types whose literals read as the loop's long or double; dates and times are left alone. */
    private static final java.util.Set<SqlTypeName> NUMBERS =
        java.util.EnumSet.of(
            SqlTypeName.TINYINT,
            SqlTypeName.SMALLINT,
            SqlTypeName.INTEGER,
            SqlTypeName.BIGINT,
            SqlTypeName.FLOAT,
            SqlTypeName.REAL,
            SqlTypeName.DOUBLE);

    static Clamp of(RexCall call) {
      List<RexNode> o = call.getOperands();
      if (o.size() != 7
          || !o.get(0).isA(SqlKind.IS_NULL)
          || !(o.get(5) instanceof RexLiteral upper)
          || !(o.get(6) instanceof RexLiteral lower)
          || upper.isNull()
          || lower.isNull()) {
        return null;
      }
      RexNode value = ((RexCall) o.get(0)).getOperands().get(0);
      RexNode inBounds = o.get(2);
      boolean shaped =
          value.equals(o.get(1))
              && value.equals(o.get(3))
              && inBounds.isA(SqlKind.AND)
              && ((RexCall) inBounds).getOperands().size() == 2
              && isComparison(
                  ((RexCall) inBounds).getOperands().get(0),
                  SqlKind.GREATER_THAN_OR_EQUAL,
                  value,
                  lower)
              && isComparison(
                  ((RexCall) inBounds).getOperands().get(1),
                  SqlKind.LESS_THAN_OR_EQUAL,
                  value,
                  upper)
              && isComparison(o.get(4), SqlKind.GREATER_THAN, value, upper)
              && NUMBERS.contains(call.getType().getSqlTypeName())
              && Types.kind(value.getType()) == Types.kind(call.getType())
              && Types.kind(lower.getType()) == Types.kind(call.getType())
              && Types.kind(upper.getType()) == Types.kind(call.getType());
      return shaped ? new Clamp(value, lower, upper) : null;
    }

    private static boolean isComparison(
        RexNode node, SqlKind kind, RexNode value, RexLiteral bound) {
      return node.isA(kind)
          && ((RexCall) node).getOperands().get(0).equals(value)
          && ((RexCall) node).getOperands().get(1).equals(bound);
    }
  }

  /** The clamp's CASE for one value: within the bounds it stays, NaN becomes the lower bound. */
  private static double clamped(double x, double lower, double upper) {
    return x >= lower && x <= upper ? x : x > upper ? upper : lower;
  }

  private static long clamped(long x, long lower, long upper) {
    return x >= lower && x <= upper ? x : x > upper ? upper : lower;
  }

  private Column clamp(Column value, Clamp clamp, Types.Kind resultKind, int n) {
    boolean[] nulls = null;
    if (resultKind == Types.Kind.LONG) {
      long lower = clamp.lower().getValueAs(Long.class);
      long upper = clamp.upper().getValueAs(Long.class);
      long[] values = context.memory().longs(n);
      if (value instanceof LongColumn longs) {
        long[] from = longs.values();
        boolean[] fromNulls = longs.nulls();
        context.parallelRanges(
            n,
            (part, lo, hi) -> {
              for (int i = lo; i < hi; i++) {
                long x = from[i];
                long clamped = clamped(x, lower, upper);
                values[i] = fromNulls != null && fromNulls[i] ? 0 : clamped;
              }
            });
        return new LongColumn(values, fromNulls);
      }
      for (int i = 0; i < n; i++) {
        if (value.isNull(i)) {
          nulls = setNull(nulls, i, n);
          continue;
        }
        long x = value.longAt(i);
        values[i] = clamped(x, lower, upper);
      }
      return new LongColumn(values, nulls);
    }
    double lower = clamp.lower().getValueAs(Double.class);
    double upper = clamp.upper().getValueAs(Double.class);
    double[] values = context.memory().doubles(n);
    if (value instanceof DoubleColumn doubles) {
      double[] from = doubles.values();
      boolean[] fromNulls = doubles.nulls();
      context.parallelRanges(
          n,
          (part, lo, hi) -> {
            for (int i = lo; i < hi; i++) {
              double x = from[i];
              double clamped = clamped(x, lower, upper);
              values[i] = fromNulls != null && fromNulls[i] ? 0 : clamped;
            }
          });
      return new DoubleColumn(values, fromNulls);
    }
    for (int i = 0; i < n; i++) {
      if (value.isNull(i)) {
        nulls = setNull(nulls, i, n);
        continue;
      }
      double x = value.doubleAt(i);
      values[i] = clamped(x, lower, upper);
    }
    return new DoubleColumn(values, nulls);
  }

  private Column caseWhen(List<Column> operands, Types.Kind resultKind, int n) {
    if (resultKind == Types.Kind.LONG
        && operands.size() == 3
        && operands.get(0) instanceof LongColumn condition
        && operands.get(1) instanceof ConstantColumn then
        && then.value() instanceof Long whenTrue
        && operands.get(2) instanceof ConstantColumn otherwise
        && otherwise.value() instanceof Long whenNot) {
      // CASE WHEN b THEN c1 ELSE c2 END (a count of clicks, a flag as 0 or 1): one loop, no NULLs.
      long[] values = context.memory().longs(n);
      long[] tested = condition.values();
      boolean[] unknown = condition.nulls();
      long chosenTrue = whenTrue;
      long chosenNot = whenNot;
      context.parallelRanges(
          n,
          (part, from, to) -> {
            for (int i = from; i < to; i++) {
              boolean holds = tested[i] != 0 && (unknown == null || !unknown[i]);
              values[i] = holds ? chosenTrue : chosenNot;
            }
          });
      return new LongColumn(values, null);
    }
    boolean isLong = resultKind == Types.Kind.LONG;
    long[] longs = isLong ? context.memory().longs(n) : null;
    double[] doubles = isLong ? null : context.memory().doubles(n);
    boolean[] nulls = null;
    int pairs = (operands.size() - 1) / 2;
    Column otherwise = operands.get(operands.size() - 1);
    for (int i = 0; i < n; i++) {
      Column chosen = otherwise;
      for (int p = 0; p < pairs; p++) {
        Column condition = operands.get(2 * p);
        if (!condition.isNull(i) && condition.longAt(i) != 0) {
          chosen = operands.get(2 * p + 1);
          break;
        }
      }
      if (chosen.isNull(i)) {
        nulls = setNull(nulls, i, n);
      } else if (isLong) {
        longs[i] = chosen.longAt(i);
      } else {
        doubles[i] = chosen.doubleAt(i);
      }
    }
    return isLong ? new LongColumn(longs, nulls) : new DoubleColumn(doubles, nulls);
  }

  private Column coalesce(List<Column> operands, Types.Kind resultKind, int n) {
    boolean isLong = resultKind == Types.Kind.LONG;
    long[] longs = isLong ? context.memory().longs(n) : null;
    double[] doubles = isLong ? null : context.memory().doubles(n);
    boolean[] nulls = null;
    for (int i = 0; i < n; i++) {
      Column chosen = null;
      for (Column operand : operands) {
        if (!operand.isNull(i)) {
          chosen = operand;
          break;
        }
      }
      if (chosen == null) {
        nulls = setNull(nulls, i, n);
      } else if (isLong) {
        longs[i] = chosen.longAt(i);
      } else {
        doubles[i] = chosen.doubleAt(i);
      }
    }
    return isLong ? new LongColumn(longs, nulls) : new DoubleColumn(doubles, nulls);
  }

  // ---- keyed hashes the executor computes itself ----------------------------------------

  private static boolean hasLiteralKeys(RexCall call) {
    if (call.getOperands().size() < 2) {
      return false;
    }
    for (RexNode key : call.getOperands().subList(0, 2)) {
      if (!(key instanceof RexLiteral literal)
          || literal.isNull()
          || !SqlTypeName.INT_TYPES.contains(literal.getType().getSqlTypeName())) {
        return false;
      }
    }
    return true;
  }

  /**
   * A {@link KeyedHashFunction}: per row, the encodings of its values one after the other, hashed.
   * A dictionary column's values are encoded once per entry when the dictionary has no more entries
   * than there are rows to hash (a ranking hashes only the rows of its large partitions, often a
   * few of a fingerprint's million entries); other values once per row.
   */
  private Column keyedHash(
      KeyedHashFunction function, RexCall call, Relation input, RelDataType inputType) {
    List<RexNode> operands = call.getOperands();
    long key0 = ((RexLiteral) operands.get(0)).getValueAs(Long.class);
    long key1 = ((RexLiteral) operands.get(1)).getValueAs(Long.class);
    int width = operands.size() - 2;
    Column[] columns = new Column[width];
    RelDataType[] types = new RelDataType[width];
    int n = input.rowCount();
    // For a dictionary column: each value's encoding, kept by the dictionary for the next queries.
    StringDictionary.Encodings[] encodedByCode = new StringDictionary.Encodings[width];
    int[][] codes = new int[width][];
    byte[] nullEncoding = encode(function, null);
    for (int v = 0; v < width; v++) {
      RexNode operand = operands.get(2 + v);
      types[v] = operand.getType();
      if (!Types.isSupported(types[v])) {
        throw unsupported("a hashed value of type " + types[v].getSqlTypeName());
      }
      columns[v] = eval(operand, input, inputType);
      if (columns[v] instanceof DictionaryColumn dictionaryColumn
          && dictionaryColumn.dictionary().size() <= n) {
        encodedByCode[v] = encodings(dictionaryColumn.dictionary(), function);
        codes[v] = dictionaryColumn.codes();
      }
    }
    long[] hashes = context.memory().longs(n);
    context.parallelRanges(
        n,
        (part, from, to) -> {
          byte[] data = new byte[256];
          for (int i = from; i < to; i++) {
            int length = 0;
            for (int v = 0; v < width; v++) {
              byte[] source;
              int start;
              int size;
              if (encodedByCode[v] != null) {
                int code = codes[v][i];
                if (code < 0) {
                  source = nullEncoding;
                  start = 0;
                  size = nullEncoding.length;
                } else {
                  source = encodedByCode[v].bytes();
                  start = encodedByCode[v].starts()[code];
                  size = encodedByCode[v].starts()[code + 1] - start;
                }
              } else {
                source = encode(function, Types.rowValue(columns[v], i, types[v]));
                start = 0;
                size = source.length;
              }
              if (length + size > data.length) {
                data = Arrays.copyOf(data, Math.max(2 * data.length, length + size));
              }
              System.arraycopy(source, start, data, length, size);
              length += size;
            }
            hashes[i] = function.hash().hash(key0, key1, data, length);
          }
        });
    return new LongColumn(hashes, null);
  }

  /** The dictionary's encodings by the function's encoder, with an encoder's failure as below. */
  private StringDictionary.Encodings encodings(
      StringDictionary dictionary, KeyedHashFunction function) {
    try {
      return dictionary.encodings(function.encoder(), context);
    } catch (ExecutionException e) {
      throw e;
    } catch (RuntimeException e) {
      // The same message whatever the value: errors are no side channel.
      throw new ExecutionException(
          ExecutionErrorCode.ARITHMETIC_ERROR, "an expression failed to evaluate on a row");
    }
  }

  private static byte[] encode(KeyedHashFunction function, Object value) {
    try {
      return requireNonNull(function.encoder().apply(value), "encoder returned null");
    } catch (RuntimeException e) {
      // The same message whatever the value: errors are no side channel.
      throw new ExecutionException(
          ExecutionErrorCode.ARITHMETIC_ERROR, "an expression failed to evaluate on a row");
    }
  }

  // ---- Calcite's scalar code, per dictionary entry or per row ---------------------------

  private Column rowByRow(RexCall call, Relation input, RelDataType inputType) {
    if (!Types.isSupported(call.getType())) {
      throw unsupported("an expression of type " + call.getType().getSqlTypeName());
    }
    ImmutableBitSet inputs = RelOptUtil.InputFinder.bits(call);
    for (int field : inputs) {
      if (!Types.isSupported(inputType.getFieldList().get(field).getType())) {
        throw unsupported(
            "a column of type " + inputType.getFieldList().get(field).getType().getSqlTypeName());
      }
    }
    Function1<DataContext, Object[]> function = compile(call, inputType);
    Types.Kind resultKind = Types.kind(call.getType());
    int n = input.rowCount();
    if (inputs.cardinality() == 1) {
      int field = inputs.nth(0);
      if (input.column(field) instanceof DictionaryColumn dictionaryColumn
          && dictionaryColumn.dictionary().size() <= n) {
        return perDictionaryEntry(function, field, dictionaryColumn, inputType, resultKind, n);
      }
    }
    int width = inputType.getFieldCount();
    int[] fields = inputs.toArray();
    Column[] columns = new Column[fields.length];
    RelDataType[] types = new RelDataType[fields.length];
    for (int f = 0; f < fields.length; f++) {
      columns[f] = input.column(fields[f]);
      types[f] = inputType.getFieldList().get(fields[f]).getType();
    }
    Object[] results = context.memory().objects(n);
    context.parallelRanges(
        n,
        (part, from, to) -> {
          Object[] row = new Object[width];
          RowContext rowContext = new RowContext(row);
          for (int i = from; i < to; i++) {
            for (int f = 0; f < fields.length; f++) {
              row[fields[f]] = Types.rowValue(columns[f], i, types[f]);
            }
            results[i] = Types.columnValue(apply(function, rowContext), resultKind);
          }
        });
    return Types.columnOf(results, resultKind, context.memory());
  }

  private Column perDictionaryEntry(
      Function1<DataContext, Object[]> function,
      int field,
      DictionaryColumn column,
      RelDataType inputType,
      Types.Kind resultKind,
      int n) {
    StringDictionary dictionary = column.dictionary();
    Object[] row = new Object[inputType.getFieldCount()];
    RowContext rowContext = new RowContext(row);
    // Entry 0 is the result for a NULL input, entry c + 1 for code c.
    Object[] byCode = new Object[dictionary.size() + 1];
    row[field] = null;
    byCode[0] = Types.columnValue(apply(function, rowContext), resultKind);
    for (int code = 0; code < dictionary.size(); code++) {
      row[field] = dictionary.value(code);
      byCode[code + 1] = Types.columnValue(apply(function, rowContext), resultKind);
    }
    int[] codes = column.codes();
    if (resultKind == Types.Kind.STRING) {
      Map<Object, Integer> index = new HashMap<>();
      List<String> values = new ArrayList<>();
      int[] remap = new int[byCode.length];
      for (int c = 0; c < byCode.length; c++) {
        if (byCode[c] == null) {
          remap[c] = -1;
        } else {
          remap[c] =
              index.computeIfAbsent(
                  byCode[c],
                  value -> {
                    values.add((String) value);
                    return values.size() - 1;
                  });
        }
      }
      int[] newCodes = context.memory().ints(n);
      for (int i = 0; i < n; i++) {
        newCodes[i] = remap[codes[i] + 1];
      }
      return new DictionaryColumn(newCodes, new StringDictionary(values.toArray(new String[0])));
    }
    Object[] results = context.memory().objects(n);
    for (int i = 0; i < n; i++) {
      results[i] = byCode[codes[i] + 1];
    }
    return Types.columnOf(results, resultKind, context.memory());
  }

  private Function1<DataContext, Object[]> compile(RexNode node, RelDataType inputType) {
    // The digest names the operators, literals (with their types) and input fields by position;
    // the input type says what those fields are.
    String key = node + " over " + inputType.getFullTypeString();
    try {
      return compiled.get(
          key,
          () -> RexExecutorImpl.getExecutable(rexBuilder, List.of(node), inputType).getFunction());
    } catch (RuntimeException e) {
      throw new ExecutionException(
          ExecutionErrorCode.UNSUPPORTED_EXPRESSION,
          "expression " + node.getKind() + " cannot be compiled by the executor",
          e);
    }
  }

  private static Object apply(Function1<DataContext, Object[]> function, RowContext rowContext) {
    try {
      return function.apply(rowContext)[0];
    } catch (ExecutionException e) {
      throw e;
    } catch (RuntimeException e) {
      // The same message whatever the value that failed: errors are no side channel.
      throw new ExecutionException(
          ExecutionErrorCode.ARITHMETIC_ERROR, "an expression failed to evaluate on a row");
    }
  }

  private static ExecutionException unsupported(String what) {
    return new ExecutionException(
        ExecutionErrorCode.UNSUPPORTED_EXPRESSION, what + " is not supported by the executor");
  }

  /** Hands one row to Calcite's compiled scalar code, which reads it as "inputRecord". */
  private static final class RowContext implements DataContext {
    private final Object[] row;

    RowContext(Object[] row) {
      this.row = row;
    }

    @Override
    public SchemaPlus getRootSchema() {
      return null;
    }

    @Override
    public JavaTypeFactory getTypeFactory() {
      return TYPE_FACTORY;
    }

    @Override
    public QueryProvider getQueryProvider() {
      return null;
    }

    @Override
    public Object get(String name) {
      return "inputRecord".equals(name) ? row : null;
    }
  }
}
