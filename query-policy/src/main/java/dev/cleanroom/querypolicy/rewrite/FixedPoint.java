package dev.cleanroom.querypolicy.rewrite;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A person's clamped sum per group as a whole number of units {@code 2^e}, so the engines add the
 * people of a group exactly, in any order. Summed as doubles, the total's rounding would depend on
 * everybody's values and on the order of addition, so one person could move a released sum by more
 * than their clamped contribution: by a rounding step of the whole total.
 *
 * <p>The unit is {@code 2^(floor(log2 c) - 26)} for a bound {@code c = max(|lower|, |upper|)}: a
 * clamped partial is at most {@code 2^27} units and loses at most half a unit, {@code c / 2^27}, to
 * the rounding; a group of the at most {@code 2^31} rows an engine holds sums to below {@code
 * 2^58}, so the BIGINT sum never overflows. The clamp's bounds are rounded inwards to whole units
 * first, so the units of a partial never leave the declared bounds.
 *
 * <p>In the plan it is {@code CASE WHEN s < 0 THEN CAST(s - 0.5 AS BIGINT) ELSE CAST(s + 0.5 AS
 * BIGINT) END} for {@code s = clamped * 2^-e}: the product by a power of two is exact, and the
 * casts truncate toward zero on every engine (Java's narrowing, which never fails), so this rounds
 * half away from zero, and a value between two whole bounds stays between them. When the bounds say
 * the sign (a lower bound of at least 0, as for spend, or an upper bound of at most 0), only the
 * branch of that sign is written: the same units without a {@code CASE}, which the executor then
 * computes column at a time (a {@code CASE} holding a cast it counts as able to fail is evaluated
 * row by row, three times slower on the benchmark's join). Decided from the policy's bounds, never
 * from the data. Rounding to the nearest unit, not truncating, makes the units independent of the
 * order in which an engine added the person's DOUBLE values: sums of values with a few decimals
 * (cents) land on or near whole units of {@code 2^e}, where a truncation flips by one unit with the
 * last bit of the sum (seen between Spark and the executor at a million people), but not within
 * rounding error of a half unit while the unit is at most {@code 1/4} (bounds below {@code 2^24}):
 * a multiple of {@code 1/100} is then never closer than {@code 1/(25 * 2^(1-e))} to one. Values
 * with more digits can still, rarely, sit that close to a half unit, and engines may then differ by
 * one unit in that person's partial: never more, and within the bounds either way.
 */
public final class FixedPoint {
  private static final int UNIT_BITS_BELOW_BOUND = 26;

  private FixedPoint() {}

  /** The exponent {@code e} of the unit {@code 2^e} for partials within {@code [lower, upper]}. */
  public static int unitExponent(BigDecimal lower, BigDecimal upper) {
    BigDecimal bound = lower.abs().max(upper.abs());
    if (bound.signum() == 0) {
      return 0;
    }
    // floor(log2(bound)) from the double: exact for powers of two, and off by at most one step
    // elsewhere, which only moves the unit by a factor two; the same on every engine.
    return Math.getExponent(bound.doubleValue()) - UNIT_BITS_BELOW_BOUND;
  }

  /** The unit {@code 2^e} as an exact decimal. */
  public static BigDecimal unit(int exponent) {
    return exponent >= 0
        ? new BigDecimal(BigInteger.ONE.shiftLeft(exponent))
        : BigDecimal.valueOf(5).pow(-exponent).scaleByPowerOfTen(exponent);
  }

  /**
   * {@code value * 2^-exponent} rounded half away from zero to a BIGINT, for a DOUBLE value within
   * the rounded bounds {@code [lower, upper]} (or NULL).
   */
  static RexNode toUnits(
      RexBuilder rex, RexNode value, int exponent, BigDecimal lower, BigDecimal upper) {
    RelDataType doubleType =
        rex.getTypeFactory()
            .createTypeWithNullability(
                rex.getTypeFactory().createSqlType(SqlTypeName.DOUBLE), false);
    RexNode scale = rex.makeApproxLiteral(new BigDecimal(Math.scalb(1.0, -exponent)), doubleType);
    RexNode half = rex.makeApproxLiteral(new BigDecimal("0.5"), doubleType);
    RexNode zero = rex.makeApproxLiteral(BigDecimal.ZERO, doubleType);
    RexNode scaled = rex.makeCall(SqlStdOperatorTable.MULTIPLY, value, scale);
    RelDataType bigint =
        rex.getTypeFactory()
            .createTypeWithNullability(
                rex.getTypeFactory().createSqlType(SqlTypeName.BIGINT),
                value.getType().isNullable());
    RexNode down = rex.makeCast(bigint, rex.makeCall(SqlStdOperatorTable.MINUS, scaled, half));
    RexNode up = rex.makeCast(bigint, rex.makeCall(SqlStdOperatorTable.PLUS, scaled, half));
    if (lower.signum() >= 0) {
      return up;
    }
    if (upper.signum() <= 0) {
      return down;
    }
    // NULL < 0 is not true: a NULL value takes the second branch and stays NULL.
    return rex.makeCall(
        bigint,
        SqlStdOperatorTable.CASE,
        List.of(rex.makeCall(SqlStdOperatorTable.LESS_THAN, scaled, zero), down, up));
  }
}
