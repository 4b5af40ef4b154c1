package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;

/**
 * An expression an answer computes from the released values of one row (its noised aggregates and
 * group keys, the row's <em>parts</em>), after noise: post-processing, which costs no privacy.
 * Evaluation is total: a division whose denominator depends on a noised part and is zero or
 * negative, or by a constant zero, gives {@code NULL}, and so does a whole number past the BIGINT
 * range; it never throws on values.
 *
 * <p>Values: {@link Type#INTEGER} as {@code Long}, {@link Type#REAL} as {@code BigDecimal} (16
 * significant digits, {@link MathContext#DECIMAL64}), {@link Type#TEXT} as {@code String}, {@link
 * Type#BOOLEAN} as {@code Boolean}; {@code null} is SQL NULL. A part's value is read as a number of
 * its type (released counts are whole numbers, sums and averages fractional).
 */
public sealed interface DerivedExpression {

  /** What a derived value is. */
  enum Type {
    /** A whole number: arithmetic between counts and integer literals, as SQL does it. */
    INTEGER,
    /** A fractional number: anything involving a sum, an average or a fractional literal. */
    REAL,
    TEXT,
    BOOLEAN,
    /** A released {@link NoisyHistogram}: read only by {@link Quantile}. */
    HISTOGRAM
  }

  /** An arithmetic operator. */
  enum Operator {
    PLUS("+"),
    MINUS("-"),
    TIMES("*"),
    DIVIDE("/");

    private final String symbol;

    Operator(String symbol) {
      this.symbol = symbol;
    }
  }

  /** A comparison operator. */
  enum Comparison {
    EQUALS("="),
    NOT_EQUALS("<>"),
    LESS_THAN("<"),
    LESS_THAN_OR_EQUAL("<="),
    GREATER_THAN(">"),
    GREATER_THAN_OR_EQUAL(">=");

    private final String symbol;

    Comparison(String symbol) {
      this.symbol = symbol;
    }

    boolean holds(int compared) {
      return switch (this) {
        case EQUALS -> compared == 0;
        case NOT_EQUALS -> compared != 0;
        case LESS_THAN -> compared < 0;
        case LESS_THAN_OR_EQUAL -> compared <= 0;
        case GREATER_THAN -> compared > 0;
        case GREATER_THAN_OR_EQUAL -> compared >= 0;
      };
    }
  }

  /** An approximate interval of a number; {@code low <= high}. */
  record Interval(BigDecimal low, BigDecimal high) {
    public Interval {
      requireNonNull(low, "low is null");
      requireNonNull(high, "high is null");
      if (low.compareTo(high) > 0) {
        throw new IllegalArgumentException("interval low " + low + " > high " + high);
      }
    }

    static Interval of(BigDecimal value) {
      return new Interval(value, value);
    }
  }

  MathContext CONTEXT = MathContext.DECIMAL64;

  /** The type of the value. */
  Type type();

  /** The value for one row of released parts. */
  Object evaluate(Object[] parts);

  /**
   * An interval around the value, from an interval per part ({@code null} where a part's is
   * unknown), by interval arithmetic; {@code null} when it is unknown or unbounded (a denominator
   * whose interval reaches zero, a {@code CASE}).
   */
  Interval interval(Object[] parts, Interval[] partIntervals);

  /** SQL-like text, each part written as {@code partNames} names it. */
  String render(IntFunction<String> partNames);

  /** Adds the indexes of the parts this expression reads to {@code parts}. */
  void collectParts(Set<Integer> parts);

  /** Whether the value depends on a released part (a constant does not). */
  default boolean readsParts() {
    Set<Integer> parts = new HashSet<>();
    collectParts(parts);
    return !parts.isEmpty();
  }

  /** The released value at {@code index} of the parts row. */
  record Part(int index, Type type) implements DerivedExpression {
    public Part {
      requireNonNull(type, "type is null");
      if (index < 0) {
        throw new IllegalArgumentException("part index must be >= 0, was " + index);
      }
    }

    @Override
    public Object evaluate(Object[] parts) {
      Object value = parts[index];
      return switch (type) {
        case INTEGER -> value == null ? null : integer(value);
        case REAL -> value == null ? null : decimal(value);
        default -> value;
      };
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      return partIntervals[index];
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      parts.add(index);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return partNames.apply(index);
    }
  }

  /**
   * A literal of the query; {@code value} is {@code null}, a Long, a BigDecimal, a String or a
   * Boolean.
   */
  record Constant(Object value, Type type) implements DerivedExpression {
    public Constant {
      requireNonNull(type, "type is null");
      boolean fits =
          value == null
              || switch (type) {
                case INTEGER -> value instanceof Long;
                case REAL -> value instanceof BigDecimal;
                case TEXT -> value instanceof String;
                case BOOLEAN -> value instanceof Boolean;
                case HISTOGRAM -> false;
              };
      if (!fits) {
        throw new IllegalArgumentException(type + " constant of " + value.getClass().getName());
      }
    }

    @Override
    public Object evaluate(Object[] parts) {
      return value;
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      return value instanceof Number number ? Interval.of(decimal(number)) : null;
    }

    @Override
    public void collectParts(Set<Integer> parts) {}

    @Override
    public String render(IntFunction<String> partNames) {
      return value instanceof String text ? "'" + text.replace("'", "''") + "'" : value + "";
    }
  }

  /**
   * {@code left op right}; whole numbers when both sides are (division truncates towards zero, as
   * SQL's), else fractional.
   */
  record Arithmetic(Operator operator, DerivedExpression left, DerivedExpression right)
      implements DerivedExpression {
    public Arithmetic {
      requireNonNull(operator, "operator is null");
      requireNumber(left);
      requireNumber(right);
    }

    @Override
    public Type type() {
      return left.type() == Type.INTEGER && right.type() == Type.INTEGER ? Type.INTEGER : Type.REAL;
    }

    @Override
    public Object evaluate(Object[] parts) {
      Object a = left.evaluate(parts);
      Object b = right.evaluate(parts);
      if (a == null || b == null) {
        return null;
      }
      BigDecimal x = decimal(a);
      BigDecimal y = decimal(b);
      // Whole numbers exactly (a result past BIGINT is NULL), fractions to 16 digits.
      MathContext context = type() == Type.INTEGER ? MathContext.UNLIMITED : CONTEXT;
      BigDecimal result =
          switch (operator) {
            case PLUS -> x.add(y, context);
            case MINUS -> x.subtract(y, context);
            case TIMES -> x.multiply(y, context);
            case DIVIDE -> {
              if (!divisible(y)) {
                yield null;
              }
              yield type() == Type.INTEGER
                  ? x.divideToIntegralValue(y).setScale(0, RoundingMode.DOWN)
                  : x.divide(y, CONTEXT);
            }
          };
      return result == null ? null : ofType(result, type());
    }

    /** A denominator that depends on noise must come out positive; a constant one non-zero. */
    private boolean divisible(BigDecimal denominator) {
      return right.readsParts() ? denominator.signum() > 0 : denominator.signum() != 0;
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      Interval a = left.interval(parts, partIntervals);
      Interval b = right.interval(parts, partIntervals);
      if (a == null || b == null) {
        return null;
      }
      return switch (operator) {
        case PLUS -> new Interval(a.low().add(b.low(), CONTEXT), a.high().add(b.high(), CONTEXT));
        case MINUS ->
            new Interval(a.low().subtract(b.high(), CONTEXT), a.high().subtract(b.low(), CONTEXT));
        case TIMES ->
            hull(
                a.low().multiply(b.low(), CONTEXT),
                a.low().multiply(b.high(), CONTEXT),
                a.high().multiply(b.low(), CONTEXT),
                a.high().multiply(b.high(), CONTEXT));
        case DIVIDE -> {
          // A denominator that may be zero or negative makes the quotient unbounded (or NULL).
          if (b.low().signum() <= 0) {
            yield null;
          }
          Interval quotient =
              hull(
                  a.low().divide(b.low(), CONTEXT),
                  a.low().divide(b.high(), CONTEXT),
                  a.high().divide(b.low(), CONTEXT),
                  a.high().divide(b.high(), CONTEXT));
          yield type() == Type.INTEGER
              ? new Interval(
                  quotient.low().setScale(0, RoundingMode.DOWN),
                  quotient.high().setScale(0, RoundingMode.DOWN))
              : quotient;
        }
      };
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      left.collectParts(parts);
      right.collectParts(parts);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return "("
          + left.render(partNames)
          + " "
          + operator.symbol
          + " "
          + right.render(partNames)
          + ")";
    }
  }

  /** {@code -operand}. */
  record Negate(DerivedExpression operand) implements DerivedExpression {
    public Negate {
      requireNumber(operand);
    }

    @Override
    public Type type() {
      return operand.type();
    }

    @Override
    public Object evaluate(Object[] parts) {
      Object value = operand.evaluate(parts);
      return value == null ? null : ofType(decimal(value).negate(), type());
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      Interval value = operand.interval(parts, partIntervals);
      return value == null ? null : new Interval(value.high().negate(), value.low().negate());
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      operand.collectParts(parts);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return "(-" + operand.render(partNames) + ")";
    }
  }

  /** {@code ROUND(operand, digits)}, halves away from zero. */
  record Round(DerivedExpression operand, int digits) implements DerivedExpression {
    public Round {
      requireNumber(operand);
    }

    @Override
    public Type type() {
      return operand.type();
    }

    @Override
    public Object evaluate(Object[] parts) {
      Object value = operand.evaluate(parts);
      return value == null ? null : ofType(round(decimal(value)), type());
    }

    private BigDecimal round(BigDecimal value) {
      return value.setScale(digits, RoundingMode.HALF_UP);
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      Interval value = operand.interval(parts, partIntervals);
      return value == null ? null : new Interval(round(value.low()), round(value.high()));
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      operand.collectParts(parts);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return "ROUND(" + operand.render(partNames) + ", " + digits + ")";
    }
  }

  /**
   * {@code CAST(operand AS type)} between numbers: to a whole number truncates towards zero; to a
   * fractional type keeps the value (a noised sum is not rounded to a DECIMAL's scale).
   */
  record Cast(DerivedExpression operand, Type type) implements DerivedExpression {
    public Cast {
      requireNumber(operand);
      if (type != Type.INTEGER && type != Type.REAL) {
        throw new IllegalArgumentException("a derived cast is to a number, not " + type);
      }
    }

    @Override
    public Object evaluate(Object[] parts) {
      Object value = operand.evaluate(parts);
      return value == null ? null : ofType(decimal(value), type);
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      Interval value = operand.interval(parts, partIntervals);
      if (value == null || type == Type.REAL) {
        return value;
      }
      return new Interval(
          value.low().setScale(0, RoundingMode.DOWN), value.high().setScale(0, RoundingMode.DOWN));
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      operand.collectParts(parts);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return "CAST("
          + operand.render(partNames)
          + (type == Type.INTEGER ? " AS BIGINT)" : " AS DOUBLE)");
    }
  }

  /**
   * {@code CASE WHEN c1 THEN v1 ... ELSE otherwise END} ({@code COALESCE} and {@code NULLIF} arrive
   * as this).
   */
  record Case(
      List<DerivedExpression> conditions,
      List<DerivedExpression> values,
      DerivedExpression otherwise)
      implements DerivedExpression {
    public Case {
      conditions = List.copyOf(conditions);
      values = List.copyOf(values);
      requireNonNull(otherwise, "otherwise is null");
      if (conditions.isEmpty() || conditions.size() != values.size()) {
        throw new IllegalArgumentException(
            conditions.size() + " conditions for " + values.size() + " values");
      }
      for (DerivedExpression condition : conditions) {
        if (condition.type() != Type.BOOLEAN) {
          throw new IllegalArgumentException("a CASE condition is a " + condition.type());
        }
      }
    }

    @Override
    public Type type() {
      Type type = null;
      for (DerivedExpression branch : branches()) {
        if (isNull(branch)) {
          continue;
        }
        Type branchType = branch.type();
        boolean numbers =
            (type == Type.INTEGER || type == Type.REAL)
                && (branchType == Type.INTEGER || branchType == Type.REAL);
        type = type == null ? branchType : numbers && type != branchType ? Type.REAL : type;
      }
      return type == null ? otherwise.type() : type;
    }

    private List<DerivedExpression> branches() {
      List<DerivedExpression> branches = new ArrayList<>(values);
      branches.add(otherwise);
      return branches;
    }

    @Override
    public Object evaluate(Object[] parts) {
      for (int i = 0; i < conditions.size(); i++) {
        if (Boolean.TRUE.equals(conditions.get(i).evaluate(parts))) {
          return converted(values.get(i).evaluate(parts));
        }
      }
      return converted(otherwise.evaluate(parts));
    }

    private Object converted(Object value) {
      return value instanceof Number number ? ofType(decimal(number), type()) : value;
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      return null;
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      conditions.forEach(c -> c.collectParts(parts));
      values.forEach(v -> v.collectParts(parts));
      otherwise.collectParts(parts);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      StringBuilder text = new StringBuilder("CASE");
      for (int i = 0; i < conditions.size(); i++) {
        text.append(" WHEN ")
            .append(conditions.get(i).render(partNames))
            .append(" THEN ")
            .append(values.get(i).render(partNames));
      }
      return text.append(" ELSE ").append(otherwise.render(partNames)).append(" END").toString();
    }
  }

  /** {@code left op right} between numbers (or between texts, by code point); NULL if either is. */
  record Compare(Comparison comparison, DerivedExpression left, DerivedExpression right)
      implements DerivedExpression {
    public Compare {
      requireNonNull(comparison, "comparison is null");
      requireNonNull(left, "left is null");
      requireNonNull(right, "right is null");
    }

    @Override
    public Type type() {
      return Type.BOOLEAN;
    }

    @Override
    public Object evaluate(Object[] parts) {
      Object a = left.evaluate(parts);
      Object b = right.evaluate(parts);
      if (a == null || b == null) {
        return null;
      }
      int compared =
          a instanceof Number x && b instanceof Number y
              ? decimal(x).compareTo(decimal(y))
              : ReleaseOrder.compareValues(a, b);
      return comparison.holds(compared);
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      return null;
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      left.collectParts(parts);
      right.collectParts(parts);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return "("
          + left.render(partNames)
          + " "
          + comparison.symbol
          + " "
          + right.render(partNames)
          + ")";
    }
  }

  /** {@code AND} or {@code OR} of conditions, with SQL's three-valued logic. */
  record Logical(boolean and, List<DerivedExpression> operands) implements DerivedExpression {
    public Logical {
      operands = List.copyOf(operands);
      for (DerivedExpression operand : operands) {
        if (operand.type() != Type.BOOLEAN) {
          throw new IllegalArgumentException("AND/OR of a " + operand.type());
        }
      }
    }

    @Override
    public Type type() {
      return Type.BOOLEAN;
    }

    @Override
    public Object evaluate(Object[] parts) {
      boolean unknown = false;
      for (DerivedExpression operand : operands) {
        Object value = operand.evaluate(parts);
        if (value == null) {
          unknown = true;
        } else if ((Boolean) value != and) {
          return !and;
        }
      }
      return unknown ? null : and;
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      return null;
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      operands.forEach(o -> o.collectParts(parts));
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return "("
          + String.join(
              and ? " AND " : " OR ", operands.stream().map(o -> o.render(partNames)).toList())
          + ")";
    }
  }

  /** {@code NOT operand}. */
  record Not(DerivedExpression operand) implements DerivedExpression {
    public Not {
      if (operand.type() != Type.BOOLEAN) {
        throw new IllegalArgumentException("NOT of a " + operand.type());
      }
    }

    @Override
    public Type type() {
      return Type.BOOLEAN;
    }

    @Override
    public Object evaluate(Object[] parts) {
      Object value = operand.evaluate(parts);
      return value == null ? null : !(Boolean) value;
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      return null;
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      operand.collectParts(parts);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return "NOT(" + operand.render(partNames) + ")";
    }
  }

  /** {@code operand IS NULL}, or {@code IS NOT NULL} when {@code negated}. */
  record IsNull(DerivedExpression operand, boolean negated) implements DerivedExpression {
    public IsNull {
      requireNonNull(operand, "operand is null");
    }

    @Override
    public Type type() {
      return Type.BOOLEAN;
    }

    @Override
    public Object evaluate(Object[] parts) {
      return (operand.evaluate(parts) == null) != negated;
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      return null;
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      operand.collectParts(parts);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return "(" + operand.render(partNames) + (negated ? " IS NOT NULL)" : " IS NULL)");
    }
  }

  /**
   * A variance or standard deviation from the three released parts of a group (see {@link
   * SpreadStatistic}).
   */
  record Spread(int people, int centeredSum, int centeredSquares, SpreadStatistic statistic)
      implements DerivedExpression {
    public Spread {
      requireNonNull(statistic, "statistic is null");
      if (people < 0 || centeredSum < 0 || centeredSquares < 0) {
        throw new IllegalArgumentException("part indexes must be >= 0");
      }
    }

    @Override
    public Type type() {
      return Type.REAL;
    }

    @Override
    public Object evaluate(Object[] parts) {
      BigDecimal value =
          statistic.value(
              number(parts[people]), number(parts[centeredSum]), number(parts[centeredSquares]));
      return value == null ? null : ofType(value, Type.REAL);
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      return statistic.interval(
          partIntervals[people], partIntervals[centeredSum], partIntervals[centeredSquares]);
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return statistic.render(
          partNames.apply(people), partNames.apply(centeredSum), partNames.apply(centeredSquares));
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      parts.add(people);
      parts.add(centeredSum);
      parts.add(centeredSquares);
    }

    private static BigDecimal number(Object value) {
      return value == null ? null : decimal(value);
    }
  }

  /**
   * The {@code fraction} quantile read from a released {@link NoisyHistogram} part; {@code
   * discrete} only for how it renders ({@code PERCENTILE_DISC} is answered like {@code
   * PERCENTILE_CONT}: no single person's value is ever released).
   */
  record Quantile(int part, BigDecimal fraction, boolean discrete) implements DerivedExpression {
    public Quantile {
      requireNonNull(fraction, "fraction is null");
      if (part < 0) {
        throw new IllegalArgumentException("part index must be >= 0, was " + part);
      }
    }

    @Override
    public Type type() {
      return Type.REAL;
    }

    @Override
    public Object evaluate(Object[] parts) {
      if (!(parts[part] instanceof NoisyHistogram histogram)) {
        return null;
      }
      BigDecimal value = histogram.quantile(fraction);
      return value == null ? null : ofType(value, Type.REAL);
    }

    @Override
    public Interval interval(Object[] parts, Interval[] partIntervals) {
      return parts[part] instanceof NoisyHistogram histogram ? histogram.interval(fraction) : null;
    }

    @Override
    public String render(IntFunction<String> partNames) {
      return (discrete ? "PERCENTILE_DISC(" : "PERCENTILE_CONT(")
          + fraction.toPlainString()
          + ") OF "
          + partNames.apply(part);
    }

    @Override
    public void collectParts(Set<Integer> parts) {
      parts.add(part);
    }
  }

  private static void requireNumber(DerivedExpression expression) {
    requireNonNull(expression, "operand is null");
    if (expression.type() != Type.INTEGER && expression.type() != Type.REAL) {
      throw new IllegalArgumentException("arithmetic on a " + expression.type());
    }
  }

  private static boolean isNull(DerivedExpression expression) {
    return expression instanceof Constant constant && constant.value() == null;
  }

  private static Interval hull(BigDecimal... values) {
    BigDecimal low = values[0];
    BigDecimal high = values[0];
    for (BigDecimal value : values) {
      low = low.min(value);
      high = high.max(value);
    }
    return new Interval(low, high);
  }

  /** A released number as an exact decimal. */
  static BigDecimal decimal(Object value) {
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof Long || value instanceof Integer) {
      return BigDecimal.valueOf(((Number) value).longValue());
    }
    if (value instanceof Number number) {
      return new BigDecimal(number.toString());
    }
    throw new IllegalArgumentException("not a number: " + value.getClass().getName());
  }

  private static Long integer(Object value) {
    return value instanceof Long number ? number : (Long) ofType(decimal(value), Type.INTEGER);
  }

  /** A number as a value of {@code type}; a whole number past the BIGINT range is NULL. */
  private static Object ofType(BigDecimal value, Type type) {
    if (type == Type.REAL) {
      BigDecimal rounded = value.round(CONTEXT).stripTrailingZeros();
      return rounded.scale() < 0 ? rounded.setScale(0, RoundingMode.UNNECESSARY) : rounded;
    }
    BigDecimal whole = value.setScale(0, RoundingMode.DOWN);
    if (whole.unscaledValue().bitLength() > 63) {
      return null;
    }
    return whole.longValueExact();
  }
}
