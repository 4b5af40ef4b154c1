package dev.cleanroom.querypolicy.rewrite;

import java.math.BigDecimal;
import java.math.BigInteger;
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
 * clamped partial is at most {@code 2^27} units and loses less than one unit, {@code c / 2^26}, to
 * the truncation; a group of the at most {@code 2^31} rows an engine holds sums to below {@code
 * 2^58}, so the BIGINT sum never overflows. The clamp's bounds are rounded inwards to whole units
 * first, so the units of a partial never leave the declared bounds. In the plan it is {@code
 * CAST(clamped * 2^-e AS BIGINT)}: the product by a power of two is exact, and the cast truncates
 * toward zero on every engine (Java's narrowing, which never fails).
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

  /** {@code CAST(value * 2^-exponent AS BIGINT)} for a DOUBLE value within the rounded bounds. */
  static RexNode toUnits(RexBuilder rex, RexNode value, int exponent) {
    RelDataType doubleType = rex.getTypeFactory().createSqlType(SqlTypeName.DOUBLE);
    RexNode scale =
        rex.makeApproxLiteral(
            new BigDecimal(Math.scalb(1.0, -exponent)),
            rex.getTypeFactory().createTypeWithNullability(doubleType, false));
    RexNode scaled = rex.makeCall(SqlStdOperatorTable.MULTIPLY, value, scale);
    RelDataType bigint =
        rex.getTypeFactory()
            .createTypeWithNullability(
                rex.getTypeFactory().createSqlType(SqlTypeName.BIGINT),
                value.getType().isNullable());
    return rex.makeCast(bigint, scaled);
  }
}
