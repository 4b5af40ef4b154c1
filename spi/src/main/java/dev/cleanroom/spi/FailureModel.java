package dev.cleanroom.spi;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.DataContexts;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The one model of which expressions can fail on the data, shared by the policy layer and every
 * engine. Whether a query fails must not depend on the data (a failure would tell the analyst that
 * some row has some value), so the lineage checks refuse every expression this model says may fail,
 * and an engine may evaluate an expression eagerly (every branch of a CASE on every row) only where
 * the model says nothing in it can fail.
 *
 * <p>The model is deliberately coarse: integer arithmetic may overflow, so it may fail; DOUBLE
 * arithmetic cannot; a division may fail unless its divisor is a non-zero literal (and not -1 over
 * integers); a DECIMAL result must provably fit its type; SUBSTRING needs non-negative integer
 * literal bounds; TRIM one character; a CAST must widen or go to text.
 */
public final class FailureModel {
  private static final Set<SqlKind> INTEGER_ARITHMETIC =
      Set.of(SqlKind.PLUS, SqlKind.MINUS, SqlKind.TIMES, SqlKind.MINUS_PREFIX);

  private static final RexBuilder CONSTANTS = new RexBuilder(new JavaTypeFactoryImpl());

  private FailureModel() {}

  /** Whether any call in {@code node} {@linkplain #mayFail(RexCall) may fail}. */
  public static boolean mayFailAnywhere(RexNode node) {
    if (node instanceof RexInputRef || node instanceof RexLiteral) {
      return false;
    }
    if (!(node instanceof RexCall call)) {
      // Correlation variables, dynamic parameters, sub-queries: not part of a private plan.
      return true;
    }
    if (mayFail(call)) {
      return true;
    }
    for (RexNode operand : call.getOperands()) {
      if (mayFailAnywhere(operand)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether {@code CAST(x AS to)} can fail for some {@code x} of type {@code from}: text targets
   * and widening numeric casts cannot; everything else can (or is not worth proving).
   */
  public static boolean castMayFail(RelDataType from, RelDataType to) {
    return !isSafeCast(from, to);
  }

  /**
   * Whether an input-free call evaluates without an error, now and therefore on every row, in every
   * engine. Calcite's code wraps integer overflow where the vectorized executor fails on it, so
   * integer arithmetic must also be exact: its true value must fit its type.
   */
  private static boolean evaluates(RexCall call) {
    RexNode value = reduced(call);
    if (!(value instanceof RexLiteral)) {
      return false;
    }
    if (!isIntegerType(call.getType())
        || !(INTEGER_ARITHMETIC.contains(call.getKind())
            || call.getKind() == SqlKind.DIVIDE
            || call.getOperator() == SqlStdOperatorTable.DIVIDE_INTEGER)) {
      return true;
    }
    List<BigDecimal> operands = new ArrayList<>();
    for (RexNode operand : call.getOperands()) {
      if (!(reduced(operand) instanceof RexLiteral literal)) {
        return false;
      }
      BigDecimal operandValue = literal.getValueAs(BigDecimal.class);
      if (operandValue == null) {
        return true; // NULL in, NULL out: nothing to overflow.
      }
      operands.add(operandValue);
    }
    BigDecimal exact =
        switch (call.getKind()) {
          case PLUS -> operands.get(0).add(operands.get(1));
          case MINUS -> operands.get(0).subtract(operands.get(1));
          case TIMES -> operands.get(0).multiply(operands.get(1));
          case MINUS_PREFIX -> operands.get(0).negate();
          default -> operands.get(0).divideToIntegralValue(operands.get(1));
        };
    return fits(exact, call.getType().getSqlTypeName());
  }

  /** {@code node} evaluated by Calcite, or {@code node} itself when it cannot be (or failed). */
  private static RexNode reduced(RexNode node) {
    if (node instanceof RexLiteral) {
      return node;
    }
    List<RexNode> reduced = new ArrayList<>();
    try {
      new RexExecutorImpl(DataContexts.EMPTY).reduce(CONSTANTS, List.of(node), reduced);
    } catch (RuntimeException e) {
      return node;
    }
    // A call that fails is left unreduced; so is one Calcite cannot evaluate, which fails closed.
    return reduced.size() == 1 ? reduced.get(0) : node;
  }

  private static boolean fits(BigDecimal value, SqlTypeName type) {
    long min;
    long max;
    switch (type) {
      case TINYINT -> {
        min = Byte.MIN_VALUE;
        max = Byte.MAX_VALUE;
      }
      case SMALLINT -> {
        min = Short.MIN_VALUE;
        max = Short.MAX_VALUE;
      }
      case INTEGER -> {
        min = Integer.MIN_VALUE;
        max = Integer.MAX_VALUE;
      }
      default -> {
        min = Long.MIN_VALUE;
        max = Long.MAX_VALUE;
      }
    }
    return value.compareTo(BigDecimal.valueOf(min)) >= 0
        && value.compareTo(BigDecimal.valueOf(max)) <= 0;
  }

  /**
   * Whether evaluating {@code call} itself (its operator on its operands' values) can raise an
   * error for some values. An input-free call may fail only if it fails now, which is checked by
   * evaluating it: an expression that always fails would still fail or not depending on whether a
   * row reaches it (a CASE branch, the second half of an AND).
   */
  public static boolean mayFail(RexCall call) {
    if (!mayFailForSomeValues(call)) {
      return false;
    }
    // The call may fail for some operand values; if it reads no column, its values are the
    // literals it holds, and evaluating it now says whether it fails on every row.
    return !RelOptUtil.InputFinder.bits(call).isEmpty() || !evaluates(call);
  }

  /** The rules of the model, whatever the operands' values are. */
  private static boolean mayFailForSomeValues(RexCall call) {
    if (call.getKind() == SqlKind.DIVIDE
        || call.getOperator() == SqlStdOperatorTable.DIVIDE_INTEGER) {
      RexNode divisor = call.getOperands().get(1);
      if (!(divisor instanceof RexLiteral literal)) {
        return true;
      }
      BigDecimal value = literal.getValueAs(BigDecimal.class);
      // Integer MIN_VALUE / -1 overflows; a DECIMAL quotient can outgrow its type.
      return value == null
          || call.getType().getSqlTypeName() == SqlTypeName.DECIMAL
          || value.signum() == 0
          || (isIntegerType(call.getType()) && value.compareTo(BigDecimal.ONE.negate()) == 0);
    }
    if (INTEGER_ARITHMETIC.contains(call.getKind()) && isIntegerType(call.getType())) {
      // The executor fails on integer overflow and the reference engine wraps: either way whether
      // a value overflows depends on the data. Arithmetic over doubles is the way.
      return true;
    }
    if (call.getType().getSqlTypeName() == SqlTypeName.DECIMAL
        && INTEGER_ARITHMETIC.contains(call.getKind())) {
      return !decimalResultHolds(call);
    }
    if (call.getOperator() == SqlStdOperatorTable.SUBSTRING) {
      return call.getOperands().stream()
          .skip(1)
          .anyMatch(operand -> !isNonNegativeInteger(operand));
    }
    if (call.getKind() == SqlKind.TRIM) {
      // Any trim literal but exactly one character fails on every non-null value.
      return !(call.getOperands().get(1) instanceof RexLiteral literal)
          || literal.getValueAs(String.class) == null
          || literal.getValueAs(String.class).length() != 1;
    }
    if (call.getKind() == SqlKind.CAST) {
      return castMayFail(call.getOperands().get(0).getType(), call.getType());
    }
    if (call.getKind() == SqlKind.LIKE) {
      return !likePatternIsValidLiteral(call);
    }
    return false;
  }

  /**
   * Whether a DECIMAL sum, difference, negation or product always fits its result type, whatever
   * the operands' values: the result must have the digits before the point that the operands'
   * declared precision and scale can need (DECIMAL quotients are refused where division is checked:
   * dividing by a literal below 1 grows the value).
   */
  private static boolean decimalResultHolds(RexCall call) {
    RelDataType result = call.getType();
    int resultDigits = result.getPrecision() - result.getScale();
    int[] digits = new int[call.getOperands().size()];
    for (int i = 0; i < digits.length; i++) {
      RelDataType operand = call.getOperands().get(i).getType();
      SqlTypeName name = operand.getSqlTypeName();
      if (name == SqlTypeName.DECIMAL) {
        digits[i] = operand.getPrecision() - operand.getScale();
      } else if (isIntegerType(operand)) {
        digits[i] = name == SqlTypeName.BIGINT ? 19 : name == SqlTypeName.INTEGER ? 10 : 5;
      } else {
        return false;
      }
    }
    return switch (call.getKind()) {
      case MINUS_PREFIX -> resultDigits >= digits[0];
      case PLUS, MINUS -> resultDigits >= Math.max(digits[0], digits[1]) + 1;
      case TIMES -> resultDigits >= digits[0] + digits[1];
      default -> false;
    };
  }

  private static boolean isIntegerType(RelDataType type) {
    return SqlTypeName.INT_TYPES.contains(type.getSqlTypeName());
  }

  private static boolean isNonNegativeInteger(RexNode node) {
    if (!(node instanceof RexLiteral literal) || !isIntegerType(literal.getType())) {
      return false;
    }
    BigDecimal value = literal.getValueAs(BigDecimal.class);
    return value != null && value.signum() >= 0;
  }

  /**
   * A LIKE whose pattern and escape are literals and whose pattern is valid: an invalid escape
   * sequence fails on every non-null value, so whether it fails would depend on the rows.
   */
  private static boolean likePatternIsValidLiteral(RexCall call) {
    List<RexNode> operands = call.getOperands();
    if (!(operands.get(1) instanceof RexLiteral pattern)
        || pattern.getValueAs(String.class) == null) {
      return false;
    }
    String escape = null;
    if (operands.size() > 2) {
      if (!(operands.get(2) instanceof RexLiteral escapeLiteral)
          || escapeLiteral.getValueAs(String.class) == null) {
        return false;
      }
      escape = escapeLiteral.getValueAs(String.class);
    }
    return LikePattern.isValid(pattern.getValueAs(String.class), escape);
  }

  private static boolean isSafeCast(RelDataType from, RelDataType to) {
    SqlTypeName source = from.getSqlTypeName();
    SqlTypeName target = to.getSqlTypeName();
    if (SqlTypeName.CHAR_TYPES.contains(target)) {
      return true;
    }
    if (source == SqlTypeName.TIMESTAMP && target == SqlTypeName.DATE) {
      // The day of any timestamp is a date.
      return true;
    }
    if (source == SqlTypeName.BOOLEAN
        && (target == SqlTypeName.INTEGER
            || target == SqlTypeName.BIGINT
            || target == SqlTypeName.DOUBLE)) {
      // 1 or 0.
      return true;
    }
    if (source == target) {
      return source != SqlTypeName.DECIMAL
          || (to.getPrecision() - to.getScale() >= from.getPrecision() - from.getScale());
    }
    if (target == SqlTypeName.DOUBLE || target == SqlTypeName.FLOAT || target == SqlTypeName.REAL) {
      return SqlTypeName.NUMERIC_TYPES.contains(source);
    }
    if (target == SqlTypeName.BIGINT) {
      return source == SqlTypeName.INTEGER
          || source == SqlTypeName.SMALLINT
          || source == SqlTypeName.TINYINT;
    }
    if (target == SqlTypeName.INTEGER) {
      return source == SqlTypeName.SMALLINT || source == SqlTypeName.TINYINT;
    }
    if (target == SqlTypeName.DECIMAL) {
      int digits = to.getPrecision() - to.getScale();
      return (source == SqlTypeName.INTEGER && digits >= 10)
          || (source == SqlTypeName.BIGINT && digits >= 19)
          || ((source == SqlTypeName.SMALLINT || source == SqlTypeName.TINYINT) && digits >= 5);
    }
    return false;
  }

  /**
   * Whether a cast keeps every value distinct: widening only, never truncating or rounding (BIGINT
   * to DOUBLE rounds above 2^53, so it does not, though it {@linkplain #castMayFail cannot fail}).
   * A join on a cast key that merges values would pair rows of different people.
   */
  public static boolean keepsValuesDistinct(RelDataType from, RelDataType to) {
    SqlTypeName source = from.getSqlTypeName();
    SqlTypeName target = to.getSqlTypeName();
    if (SqlTypeName.INT_TYPES.contains(source) && target == SqlTypeName.VARCHAR) {
      // Decimal text of an integer is unique; a BIGINT takes at most 20 characters.
      return to.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED || to.getPrecision() >= 20;
    }
    if (SqlTypeName.CHAR_TYPES.contains(source) || SqlTypeName.CHAR_TYPES.contains(target)) {
      // Only the same text type, no shorter: CHAR pads and a shorter length truncates.
      return source == target
          && (to.getPrecision() == RelDataType.PRECISION_NOT_SPECIFIED
              || (from.getPrecision() != RelDataType.PRECISION_NOT_SPECIFIED
                  && to.getPrecision() >= from.getPrecision()));
    }
    if (SqlTypeName.INT_TYPES.contains(source) && SqlTypeName.INT_TYPES.contains(target)) {
      return SqlTypeName.INT_TYPES.indexOf(target) >= SqlTypeName.INT_TYPES.indexOf(source);
    }
    if (SqlTypeName.INT_TYPES.contains(source) && SqlTypeName.APPROX_TYPES.contains(target)) {
      // DOUBLE holds integers exactly up to 2^53, REAL only up to 2^24.
      return target == SqlTypeName.REAL
          ? source == SqlTypeName.TINYINT || source == SqlTypeName.SMALLINT
          : source != SqlTypeName.BIGINT;
    }
    if (source == SqlTypeName.DECIMAL && target == SqlTypeName.DECIMAL) {
      return to.getScale() >= from.getScale()
          && to.getPrecision() - to.getScale() >= from.getPrecision() - from.getScale();
    }
    if (source == target) {
      return to.getPrecision() >= from.getPrecision() && to.getScale() >= from.getScale();
    }
    return SqlTypeName.INT_TYPES.contains(source)
        && target == SqlTypeName.DECIMAL
        && isSafeCast(from, to);
  }
}
