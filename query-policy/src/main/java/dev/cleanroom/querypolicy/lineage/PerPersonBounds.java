package dev.cleanroom.querypolicy.lineage;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * The range of values an expression over per-person values can take, decided on the expression
 * alone: a count or a sum per person can be anything, {@code LEAST(n, 10)} cannot exceed 10, a
 * {@code CASE} is within the union of its results. The clamp the analyst writes is the bound the
 * rewrite uses, so it is derived conservatively: anything not understood is unbounded.
 */
final class PerPersonBounds {
  private PerPersonBounds() {}

  /**
   * A range of numbers; {@code null} ends are unbounded. {@code empty} is the range of an
   * expression that is always NULL.
   */
  record Interval(BigDecimal lower, BigDecimal upper, boolean empty) {
    static final Interval UNBOUNDED = new Interval(null, null, false);
    static final Interval NONE = new Interval(null, null, true);

    static Interval of(BigDecimal lower, BigDecimal upper) {
      return new Interval(lower, upper, false);
    }

    static Interval exactly(BigDecimal value) {
      return of(requireNonNull(value, "value is null"), value);
    }

    /** Finite at both ends and holding at least one value. */
    boolean bounded() {
      return !empty && lower != null && upper != null;
    }

    Interval union(Interval other) {
      if (empty) {
        return other;
      }
      if (other.empty) {
        return this;
      }
      return of(
          lower == null || other.lower == null ? null : lower.min(other.lower),
          upper == null || other.upper == null ? null : upper.max(other.upper));
    }

    /** The values in both ranges. */
    Interval intersect(Interval other) {
      if (empty || other.empty) {
        return NONE;
      }
      return of(
          lower == null ? other.lower : other.lower == null ? lower : lower.max(other.lower),
          upper == null ? other.upper : other.upper == null ? upper : upper.min(other.upper));
    }

    /** The range of a sum of one or more values of this range (NULLs skipped). */
    Interval ofSums() {
      if (empty) {
        return NONE;
      }
      BigDecimal sumLower = lower != null && lower.signum() >= 0 ? lower : null;
      BigDecimal sumUpper = upper != null && upper.signum() <= 0 ? upper : null;
      return of(sumLower, sumUpper);
    }
  }

  /** The range of {@code expression}, whose input {@code i} ranges over {@code fields.get(i)}. */
  static Interval of(RexNode expression, List<Interval> fields) {
    return of(expression, fields, Map.of());
  }

  /**
   * The range of {@code expression} where {@code facts} hold: what the conditions of the CASE
   * branches around it say about an expression's values ({@code CASE WHEN n < 5 THEN n ELSE 5 END},
   * which is how Calcite writes {@code LEAST(n, 5)}, bounds both branches).
   */
  private static Interval of(
      RexNode expression, List<Interval> fields, Map<RexNode, Interval> facts) {
    Interval known = facts.get(expression);
    Interval computed = computed(expression, fields, facts);
    return known == null ? computed : computed.intersect(known);
  }

  private static Interval computed(
      RexNode expression, List<Interval> fields, Map<RexNode, Interval> facts) {
    if (expression instanceof RexInputRef ref) {
      return fields.get(ref.getIndex());
    }
    if (expression instanceof RexLiteral literal) {
      if (literal.isNull()) {
        return Interval.NONE;
      }
      if (!SqlTypeUtil.isNumeric(literal.getType())) {
        return Interval.UNBOUNDED;
      }
      BigDecimal value = literal.getValueAs(BigDecimal.class);
      return value == null ? Interval.UNBOUNDED : Interval.exactly(value);
    }
    if (!(expression instanceof RexCall call) || !SqlTypeUtil.isNumeric(call.getType())) {
      return Interval.UNBOUNDED;
    }
    List<RexNode> operands = call.getOperands();
    return switch (call.getKind()) {
      case CAST ->
          SqlTypeUtil.isNumeric(operands.get(0).getType())
              ? roundedOutwards(of(operands.get(0), fields, facts), call.getType())
              : Interval.UNBOUNDED;
      case LEAST -> extreme(operands, fields, facts, true);
      case GREATEST -> extreme(operands, fields, facts, false);
      case CASE -> {
        Interval result = Interval.NONE;
        for (Branch branch : branches(call, facts)) {
          result = result.union(of(branch.value(), fields, branch.facts()));
        }
        yield result;
      }
      case COALESCE -> {
        Interval result = Interval.NONE;
        for (RexNode operand : operands) {
          result = result.union(of(operand, fields, facts));
        }
        yield result;
      }
      case PLUS_PREFIX -> of(operands.get(0), fields, facts);
      case MINUS_PREFIX -> negate(of(operands.get(0), fields, facts));
      case PLUS -> plus(of(operands.get(0), fields, facts), of(operands.get(1), fields, facts));
      case MINUS ->
          plus(of(operands.get(0), fields, facts), negate(of(operands.get(1), fields, facts)));
      case TIMES -> times(of(operands.get(0), fields, facts), of(operands.get(1), fields, facts));
      case DIVIDE ->
          roundedOutwards(
              divide(of(operands.get(0), fields, facts), operands.get(1)), call.getType());
      case FLOOR, CEIL ->
          operands.size() == 1
              ? roundedOutwards(of(operands.get(0), fields, facts), call.getType())
              : Interval.UNBOUNDED;
      default -> Interval.UNBOUNDED;
    };
  }

  /**
   * Whether a group key over per-person values can take only a bounded set of values: it reads only
   * dimension-like fields, or is a truth value, or a number within a bounded range, or is built
   * (CASE results, casts, text functions) from such parts only.
   */
  static boolean boundedKey(RexNode expression, List<Interval> fields, IntPredicate dimensionLike) {
    return boundedKey(expression, fields, dimensionLike, Map.of());
  }

  private static boolean boundedKey(
      RexNode expression,
      List<Interval> fields,
      IntPredicate dimensionLike,
      Map<RexNode, Interval> facts) {
    if (RelOptUtil.InputFinder.bits(expression).asList().stream().allMatch(dimensionLike::test)) {
      return true;
    }
    if (expression.getType().getSqlTypeName() == SqlTypeName.BOOLEAN) {
      return true;
    }
    if (SqlTypeUtil.isNumeric(expression.getType()) && of(expression, fields, facts).bounded()) {
      return true;
    }
    if (!(expression instanceof RexCall call)) {
      return false;
    }
    List<RexNode> operands = call.getOperands();
    if (call.getKind() == SqlKind.CASE) {
      // The conditions are truth values; each result must be bounded where it is chosen.
      for (Branch branch : branches(call, facts)) {
        if (!boundedKey(branch.value(), fields, dimensionLike, branch.facts())) {
          return false;
        }
      }
      return true;
    }
    for (RexNode operand : operands) {
      if (!boundedKey(operand, fields, dimensionLike, facts)) {
        return false;
      }
    }
    return true;
  }

  /** A result of a CASE and what holds where it is chosen. */
  private record Branch(RexNode value, Map<RexNode, Interval> facts) {}

  /**
   * The results of a CASE, each with the facts where it is chosen: its condition is true and every
   * earlier condition is not. A missing ELSE yields NULL, which has no range.
   */
  private static List<Branch> branches(RexCall call, Map<RexNode, Interval> facts) {
    List<RexNode> operands = call.getOperands();
    List<Branch> branches = new ArrayList<>();
    Map<RexNode, Interval> earlierFalse = new HashMap<>(facts);
    for (int i = 0; i + 1 < operands.size(); i += 2) {
      Map<RexNode, Interval> chosen = new HashMap<>(earlierFalse);
      learn(chosen, operands.get(i), true);
      branches.add(new Branch(operands.get(i + 1), chosen));
      learn(earlierFalse, operands.get(i), false);
    }
    if (operands.size() % 2 == 1) {
      branches.add(new Branch(operands.get(operands.size() - 1), earlierFalse));
    }
    return branches;
  }

  /**
   * Adds what {@code condition} being {@code holds} (true, or not true) says about an expression
   * compared with a number: {@code n < 5} true bounds n above by 5, false bounds it below by 5 (a
   * NULL n makes the condition unknown, and NULL has no range). Strict and non-strict comparisons
   * give the same closed bound, which is conservative.
   */
  private static void learn(Map<RexNode, Interval> facts, RexNode condition, boolean holds) {
    SqlKind kind = condition.getKind();
    if ((kind == SqlKind.AND && holds) || (kind == SqlKind.OR && !holds)) {
      for (RexNode operand : ((RexCall) condition).getOperands()) {
        learn(facts, operand, holds);
      }
      return;
    }
    if (kind == SqlKind.NOT) {
      learn(facts, ((RexCall) condition).getOperands().get(0), !holds);
      return;
    }
    if (!(condition instanceof RexCall call) || call.getOperands().size() != 2) {
      return;
    }
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    SqlKind comparison = kind;
    if (left instanceof RexLiteral && !(right instanceof RexLiteral)) {
      RexNode swap = left;
      left = right;
      right = swap;
      comparison = kind.reverse();
    }
    if (!(right instanceof RexLiteral literal)
        || !SqlTypeUtil.isNumeric(literal.getType())
        || literal.getValueAs(BigDecimal.class) == null) {
      return;
    }
    BigDecimal value = literal.getValueAs(BigDecimal.class);
    Interval bound =
        switch (comparison) {
          case LESS_THAN, LESS_THAN_OR_EQUAL ->
              holds ? Interval.of(null, value) : Interval.of(value, null);
          case GREATER_THAN, GREATER_THAN_OR_EQUAL ->
              holds ? Interval.of(value, null) : Interval.of(null, value);
          case EQUALS -> holds ? Interval.exactly(value) : null;
          default -> null;
        };
    if (bound == null) {
      return;
    }
    // Through widening casts the order of values is the same, so the bound holds for the operand.
    RexNode subject = left;
    while (true) {
      facts.merge(subject, bound, Interval::intersect);
      if (subject.getKind() != SqlKind.CAST
          || !widens(((RexCall) subject).getOperands().get(0).getType(), subject.getType())) {
        return;
      }
      subject = ((RexCall) subject).getOperands().get(0);
    }
  }

  /** A numeric cast that keeps every value as it is. */
  private static boolean widens(RelDataType from, RelDataType to) {
    return SqlTypeUtil.isNumeric(to)
        && (SqlTypeUtil.isIntType(from)
            || (SqlTypeUtil.isApproximateNumeric(from) && SqlTypeUtil.isApproximateNumeric(to)));
  }

  private static Interval extreme(
      List<RexNode> operands, List<Interval> fields, Map<RexNode, Interval> facts, boolean least) {
    BigDecimal lower = null;
    BigDecimal upper = null;
    boolean lowerUnbounded = false;
    boolean upperUnbounded = false;
    boolean any = false;
    for (RexNode operand : operands) {
      Interval interval = of(operand, fields, facts);
      if (interval.empty()) {
        continue;
      }
      any = true;
      if (least) {
        // LEAST is at most each operand's upper end, and at least the lowest lower end.
        upper = interval.upper() == null ? upper : min(upper, interval.upper());
        lowerUnbounded |= interval.lower() == null;
        lower = interval.lower() == null ? lower : min(lower, interval.lower());
      } else {
        lower = interval.lower() == null ? lower : max(lower, interval.lower());
        upperUnbounded |= interval.upper() == null;
        upper = interval.upper() == null ? upper : max(upper, interval.upper());
      }
    }
    if (!any) {
      return Interval.NONE;
    }
    return Interval.of(lowerUnbounded ? null : lower, upperUnbounded ? null : upper);
  }

  private static BigDecimal min(BigDecimal a, BigDecimal b) {
    return a == null ? b : a.min(b);
  }

  private static BigDecimal max(BigDecimal a, BigDecimal b) {
    return a == null ? b : a.max(b);
  }

  private static Interval negate(Interval interval) {
    if (interval.empty()) {
      return interval;
    }
    return Interval.of(
        interval.upper() == null ? null : interval.upper().negate(),
        interval.lower() == null ? null : interval.lower().negate());
  }

  private static Interval plus(Interval a, Interval b) {
    if (a.empty() || b.empty()) {
      return Interval.NONE;
    }
    return Interval.of(
        a.lower() == null || b.lower() == null ? null : a.lower().add(b.lower()),
        a.upper() == null || b.upper() == null ? null : a.upper().add(b.upper()));
  }

  private static Interval times(Interval a, Interval b) {
    if (a.empty() || b.empty()) {
      return Interval.NONE;
    }
    if (!a.bounded() || !b.bounded()) {
      return Interval.UNBOUNDED;
    }
    BigDecimal[] products = {
      a.lower().multiply(b.lower()),
      a.lower().multiply(b.upper()),
      a.upper().multiply(b.lower()),
      a.upper().multiply(b.upper())
    };
    BigDecimal lower = products[0];
    BigDecimal upper = products[0];
    for (BigDecimal product : products) {
      lower = lower.min(product);
      upper = upper.max(product);
    }
    return Interval.of(lower, upper);
  }

  /** Division by a non-zero literal only (the lineage check refuses any other). */
  private static Interval divide(Interval a, RexNode divisor) {
    if (!(divisor instanceof RexLiteral literal) || a.empty()) {
      return a.empty() ? Interval.NONE : Interval.UNBOUNDED;
    }
    BigDecimal value = literal.getValueAs(BigDecimal.class);
    if (value == null || value.signum() == 0) {
      return Interval.UNBOUNDED;
    }
    // Dividing by a negative number swaps the ends.
    BigDecimal first = value.signum() > 0 ? a.lower() : a.upper();
    BigDecimal second = value.signum() > 0 ? a.upper() : a.lower();
    return Interval.of(
        first == null ? null : first.divide(value, 20, RoundingMode.FLOOR),
        second == null ? null : second.divide(value, 20, RoundingMode.CEILING));
  }

  /**
   * Widens a range to whole values of an exact type, so a truncating or rounding cast or division
   * stays inside it whichever way an engine rounds.
   */
  private static Interval roundedOutwards(Interval interval, RelDataType type) {
    if (interval.empty() || !SqlTypeUtil.isExactNumeric(type)) {
      return interval;
    }
    int scale = SqlTypeUtil.isDecimal(type) ? Math.max(0, type.getScale()) : 0;
    return Interval.of(
        interval.lower() == null ? null : interval.lower().setScale(scale, RoundingMode.FLOOR),
        interval.upper() == null ? null : interval.upper().setScale(scale, RoundingMode.CEILING));
  }
}
