package dev.cleanroom.querypolicy.rewrite;

import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScalarFunction;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * A person's clamped sum per group as a whole number of units {@code 2^e}, so the engines add the
 * people of a group exactly, in any order. Summed as doubles, the total's rounding would depend on
 * everybody's values and on the order of addition, so one person could move a released sum by more
 * than their clamped contribution: by a rounding step of the whole total.
 *
 * <p>The unit is {@code 2^(floor(log2 c) - 26)} for a bound {@code c = max(|lower|, |upper|)}: a
 * clamped partial is at most {@code 2^27} units and its rounding at most {@code c / 2^27}; a group
 * of the at most {@code 2^31} rows an engine holds sums to below {@code 2^58}, so the BIGINT sum
 * never overflows. The clamp's bounds are rounded inwards to whole units first, so the units of a
 * partial never leave the declared bounds.
 */
public final class FixedPoint {
  /** The function name in plans. */
  public static final String NAME = "CR_FIXED_POINT";

  private static final int UNIT_BITS_BELOW_BOUND = 26;
  private static final SqlUserDefinedFunction FUNCTION = createFunction();

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
        ? new BigDecimal(java.math.BigInteger.ONE.shiftLeft(exponent))
        : BigDecimal.valueOf(5).pow(-exponent).scaleByPowerOfTen(exponent);
  }

  /** {@code value / 2^exponent}, rounded to the nearest whole unit; NULL stays NULL. */
  public static Long units(Double value, int exponent) {
    if (value == null) {
      return null;
    }
    return Math.round(Math.scalb(value, -exponent));
  }

  static SqlUserDefinedFunction function() {
    return FUNCTION;
  }

  private static SqlUserDefinedFunction createFunction() {
    Method method;
    try {
      method = FixedPoint.class.getMethod("units", Double.class, int.class);
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException("FixedPoint.units is missing", e);
    }
    ScalarFunction function = ScalarFunctionImpl.create(method);
    return new SqlUserDefinedFunction(
        new SqlIdentifier(NAME, SqlParserPos.ZERO),
        SqlKind.OTHER_FUNCTION,
        ReturnTypes.BIGINT_NULLABLE,
        null,
        OperandTypes.operandMetadata(
            List.of(SqlTypeFamily.APPROXIMATE_NUMERIC, SqlTypeFamily.INTEGER),
            (RelDataTypeFactory typeFactory) ->
                function.getParameters().stream().map(p -> p.getType(typeFactory)).toList(),
            i -> "arg" + i,
            i -> false),
        function);
  }
}
