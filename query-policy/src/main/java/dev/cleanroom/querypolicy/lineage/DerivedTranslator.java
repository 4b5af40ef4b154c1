package dev.cleanroom.querypolicy.lineage;

import dev.cleanroom.querypolicy.release.DerivedExpression;
import dev.cleanroom.querypolicy.release.DerivedExpression.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Translates an expression computed above the aggregate (a derived output, a {@code HAVING}
 * condition, an {@code ORDER BY} value) into a {@link DerivedExpression} over released values, or
 * says why it cannot be computed after noise. Only arithmetic, {@code ROUND}, numeric {@code CAST},
 * {@code CASE} (and so {@code COALESCE} and {@code NULLIF}), comparisons and logic over aggregates
 * and literals translate: each of these is a function of released values alone.
 */
public final class DerivedTranslator {
  /** The most digits {@code ROUND} may keep or drop. */
  static final int MAX_ROUND_DIGITS = 18;

  /** Why an expression does not translate; the message is a sentence fragment for the analyst. */
  private static final class Untranslatable extends RuntimeException {
    Untranslatable(String message) {
      super(message, null, false, false);
    }
  }

  /** The translation, or why there is none ({@code expression} null, {@code problem} set). */
  public record Translation(DerivedExpression expression, String problem) {}

  private final RexBuilder rexBuilder;
  private final IntFunction<DerivedExpression> input;

  private DerivedTranslator(RexBuilder rexBuilder, IntFunction<DerivedExpression> input) {
    this.rexBuilder = rexBuilder;
    this.input = input;
  }

  /**
   * Translates {@code expression}, whose input fields are the aggregate's row.
   *
   * @param input the released value of an input field, or {@code null} when that field may not be
   *     read after noise (a group key inside an expression)
   */
  public static Translation translate(
      RexNode expression, RexBuilder rexBuilder, IntFunction<DerivedExpression> input) {
    try {
      return new Translation(new DerivedTranslator(rexBuilder, input).translate(expression), null);
    } catch (Untranslatable e) {
      return new Translation(null, e.getMessage());
    } catch (IllegalArgumentException e) {
      return new Translation(null, "it mixes numbers with text or conditions");
    }
  }

  private DerivedExpression translate(RexNode node) {
    if (node instanceof RexInputRef ref) {
      DerivedExpression value = input.apply(ref.getIndex());
      if (value == null) {
        throw new Untranslatable(
            "it reads a group key, and group keys are not computed on after noise");
      }
      return value;
    }
    if (node instanceof RexLiteral literal) {
      return constant(literal);
    }
    if (!(node instanceof RexCall call)) {
      throw new Untranslatable("it holds " + node.getKind() + ", which is not supported here");
    }
    List<RexNode> operands = call.getOperands();
    return switch (call.getKind()) {
      case PLUS -> arithmetic(DerivedExpression.Operator.PLUS, operands);
      case MINUS -> arithmetic(DerivedExpression.Operator.MINUS, operands);
      case TIMES -> arithmetic(DerivedExpression.Operator.TIMES, operands);
      case DIVIDE -> arithmetic(DerivedExpression.Operator.DIVIDE, operands);
      case MINUS_PREFIX -> new DerivedExpression.Negate(translate(operands.get(0)));
      case PLUS_PREFIX -> translate(operands.get(0));
      case CAST -> cast(call);
      case CASE -> caseOf(operands);
      case COALESCE -> coalesce(operands);
      case EQUALS -> compare(DerivedExpression.Comparison.EQUALS, operands);
      case NOT_EQUALS -> compare(DerivedExpression.Comparison.NOT_EQUALS, operands);
      case LESS_THAN -> compare(DerivedExpression.Comparison.LESS_THAN, operands);
      case LESS_THAN_OR_EQUAL -> compare(DerivedExpression.Comparison.LESS_THAN_OR_EQUAL, operands);
      case GREATER_THAN -> compare(DerivedExpression.Comparison.GREATER_THAN, operands);
      case GREATER_THAN_OR_EQUAL ->
          compare(DerivedExpression.Comparison.GREATER_THAN_OR_EQUAL, operands);
      case AND -> new DerivedExpression.Logical(true, translateAll(operands));
      case OR -> new DerivedExpression.Logical(false, translateAll(operands));
      case NOT -> new DerivedExpression.Not(translate(operands.get(0)));
      case IS_NULL -> new DerivedExpression.IsNull(translate(operands.get(0)), false);
      case IS_NOT_NULL -> new DerivedExpression.IsNull(translate(operands.get(0)), true);
        // BETWEEN and IN arrive as a search over ranges: the comparisons they stand for.
      case SEARCH -> translate(RexUtil.expandSearch(rexBuilder, null, call));
      default -> {
        if (call.getOperator().getName().equalsIgnoreCase("ROUND")) {
          yield round(operands);
        }
        throw new Untranslatable(
            "function " + call.getOperator().getName() + " cannot be applied to aggregates");
      }
    };
  }

  private List<DerivedExpression> translateAll(List<RexNode> operands) {
    List<DerivedExpression> translated = new ArrayList<>();
    for (RexNode operand : operands) {
      translated.add(translate(operand));
    }
    return translated;
  }

  private DerivedExpression arithmetic(
      DerivedExpression.Operator operator, List<RexNode> operands) {
    return new DerivedExpression.Arithmetic(
        operator, number(operands.get(0)), number(operands.get(1)));
  }

  private DerivedExpression number(RexNode operand) {
    DerivedExpression translated = translate(operand);
    if (translated.type() != Type.INTEGER && translated.type() != Type.REAL) {
      throw new Untranslatable("arithmetic applies to numbers only");
    }
    return translated;
  }

  private DerivedExpression cast(RexCall call) {
    DerivedExpression operand = translate(call.getOperands().get(0));
    SqlTypeName target = call.getType().getSqlTypeName();
    Type type =
        switch (target) {
          case TINYINT, SMALLINT, INTEGER, BIGINT -> Type.INTEGER;
          case DECIMAL, DOUBLE, FLOAT, REAL -> Type.REAL;
          case BOOLEAN -> operand.type() == Type.BOOLEAN ? Type.BOOLEAN : null;
          default -> null;
        };
    if (type == Type.BOOLEAN) {
      return operand;
    }
    if (type == null || (operand.type() != Type.INTEGER && operand.type() != Type.REAL)) {
      if (operand instanceof DerivedExpression.Constant constant && constant.value() == null) {
        return new DerivedExpression.Constant(null, type == null ? Type.TEXT : type);
      }
      throw new Untranslatable("it casts to " + target + "; only casts between numbers apply");
    }
    // A whole number cast to another whole-number type stays as it is.
    return type == operand.type() && type == Type.INTEGER
        ? operand
        : new DerivedExpression.Cast(operand, type);
  }

  private DerivedExpression caseOf(List<RexNode> operands) {
    List<DerivedExpression> conditions = new ArrayList<>();
    List<DerivedExpression> values = new ArrayList<>();
    for (int i = 0; i + 1 < operands.size(); i += 2) {
      conditions.add(condition(operands.get(i)));
      values.add(translate(operands.get(i + 1)));
    }
    return new DerivedExpression.Case(
        conditions, values, translate(operands.get(operands.size() - 1)));
  }

  private DerivedExpression coalesce(List<RexNode> operands) {
    List<DerivedExpression> translated = translateAll(operands);
    List<DerivedExpression> conditions = new ArrayList<>();
    List<DerivedExpression> values = new ArrayList<>();
    for (int i = 0; i + 1 < translated.size(); i++) {
      conditions.add(new DerivedExpression.IsNull(translated.get(i), true));
      values.add(translated.get(i));
    }
    if (conditions.isEmpty()) {
      return translated.get(0);
    }
    return new DerivedExpression.Case(conditions, values, translated.get(translated.size() - 1));
  }

  private DerivedExpression condition(RexNode operand) {
    DerivedExpression translated = translate(operand);
    if (translated.type() != Type.BOOLEAN) {
      throw new Untranslatable("a condition must be TRUE or FALSE");
    }
    return translated;
  }

  private DerivedExpression compare(
      DerivedExpression.Comparison comparison, List<RexNode> operands) {
    DerivedExpression left = translate(operands.get(0));
    DerivedExpression right = translate(operands.get(1));
    boolean numbers = isNumber(left) && isNumber(right);
    if (!numbers && !(left.type() == Type.TEXT && right.type() == Type.TEXT)) {
      throw new Untranslatable("it compares values that are not numbers");
    }
    return new DerivedExpression.Compare(comparison, left, right);
  }

  private static boolean isNumber(DerivedExpression expression) {
    return expression.type() == Type.INTEGER || expression.type() == Type.REAL;
  }

  private DerivedExpression round(List<RexNode> operands) {
    DerivedExpression value = number(operands.get(0));
    int digits = 0;
    if (operands.size() == 2) {
      BigDecimal given =
          operands.get(1) instanceof RexLiteral literal
              ? literal.getValueAs(BigDecimal.class)
              : null;
      if (given == null
          || given.stripTrailingZeros().scale() > 0
          || given.abs().compareTo(BigDecimal.valueOf(MAX_ROUND_DIGITS)) > 0) {
        throw new Untranslatable(
            "ROUND takes a whole-number literal from -"
                + MAX_ROUND_DIGITS
                + " to "
                + MAX_ROUND_DIGITS
                + " as its digits");
      }
      digits = given.intValueExact();
    } else if (operands.size() != 1) {
      throw new Untranslatable("ROUND takes a value and optionally its digits");
    }
    return new DerivedExpression.Round(value, digits);
  }

  private static DerivedExpression constant(RexLiteral literal) {
    SqlTypeName typeName = literal.getType().getSqlTypeName();
    SqlTypeFamily family = typeName.getFamily();
    if (literal.isNull()) {
      Type type =
          family == SqlTypeFamily.NUMERIC
              ? (SqlTypeName.INT_TYPES.contains(typeName) ? Type.INTEGER : Type.REAL)
              : family == SqlTypeFamily.BOOLEAN ? Type.BOOLEAN : Type.TEXT;
      return new DerivedExpression.Constant(null, type);
    }
    if (SqlTypeName.INT_TYPES.contains(typeName)) {
      return new DerivedExpression.Constant(
          literal.getValueAs(BigDecimal.class).longValueExact(), Type.INTEGER);
    }
    if (typeName == SqlTypeName.DECIMAL || SqlTypeName.APPROX_TYPES.contains(typeName)) {
      return new DerivedExpression.Constant(literal.getValueAs(BigDecimal.class), Type.REAL);
    }
    if (typeName == SqlTypeName.BOOLEAN) {
      return new DerivedExpression.Constant(literal.getValueAs(Boolean.class), Type.BOOLEAN);
    }
    if (SqlTypeName.CHAR_TYPES.contains(typeName)) {
      return new DerivedExpression.Constant(literal.getValueAs(String.class), Type.TEXT);
    }
    throw new Untranslatable("it holds a " + typeName + " literal; only numbers and text apply");
  }
}
