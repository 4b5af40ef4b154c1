package dev.cleanroom.spi;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

class FailureModelTest {
  private final RelDataTypeFactory types = new JavaTypeFactoryImpl();
  private final RexBuilder rex = new RexBuilder(types);
  private final RelDataType bigint = nullable(SqlTypeName.BIGINT);
  private final RelDataType integer = nullable(SqlTypeName.INTEGER);
  private final RelDataType dbl = nullable(SqlTypeName.DOUBLE);
  private final RelDataType text = nullable(SqlTypeName.VARCHAR);

  private RelDataType nullable(SqlTypeName name) {
    return types.createTypeWithNullability(types.createSqlType(name), true);
  }

  private RexCall call(org.apache.calcite.sql.SqlOperator operator, RexNode... operands) {
    return (RexCall) rex.makeCall(operator, operands);
  }

  private RexNode longs() {
    return rex.makeInputRef(bigint, 0);
  }

  private RexNode doubles() {
    return rex.makeInputRef(dbl, 1);
  }

  @Test
  void integerArithmeticOverColumns_mayOverflow_doubleArithmeticCannotFail() {
    assertTrue(FailureModel.mayFail(call(SqlStdOperatorTable.PLUS, longs(), longs())));
    assertFalse(FailureModel.mayFail(call(SqlStdOperatorTable.PLUS, doubles(), doubles())));
  }

  @Test
  void division_isSafeOnlyByANonZeroLiteral() {
    assertFalse(
        FailureModel.mayFail(
            call(SqlStdOperatorTable.DIVIDE, doubles(), rex.makeApproxLiteral(BigDecimal.TEN))));
    assertTrue(FailureModel.mayFail(call(SqlStdOperatorTable.DIVIDE, doubles(), doubles())));
    assertTrue(
        FailureModel.mayFail(
            call(SqlStdOperatorTable.DIVIDE, longs(), rex.makeBigintLiteral(BigDecimal.ZERO))));
    // Long.MIN_VALUE / -1 overflows.
    assertTrue(
        FailureModel.mayFail(
            call(
                SqlStdOperatorTable.DIVIDE,
                longs(),
                rex.makeBigintLiteral(BigDecimal.ONE.negate()))));
  }

  @Test
  void inputFreeCall_mayFailExactlyWhenItFailsNow() {
    RexNode one = rex.makeExactLiteral(BigDecimal.ONE);
    RexNode zero = rex.makeExactLiteral(BigDecimal.ZERO);
    assertTrue(FailureModel.mayFail(call(SqlStdOperatorTable.DIVIDE, one, zero)));
    assertFalse(FailureModel.mayFail(call(SqlStdOperatorTable.PLUS, one, one)));
  }

  @Test
  void inputFreeIntegerArithmetic_mustFitItsType_thoughCalciteWraps() {
    RexNode max = rex.makeExactLiteral(BigDecimal.valueOf(Integer.MAX_VALUE));
    RexNode min = rex.makeExactLiteral(BigDecimal.valueOf(Integer.MIN_VALUE));
    RexNode one = rex.makeExactLiteral(BigDecimal.ONE);
    // The executor fails on the overflow Calcite's code wraps silently: refused either way.
    assertTrue(FailureModel.mayFail(call(SqlStdOperatorTable.PLUS, max, one)));
    assertTrue(FailureModel.mayFail(call(SqlStdOperatorTable.MINUS, min, one)));
    assertTrue(
        FailureModel.mayFail(
            call(SqlStdOperatorTable.DIVIDE, min, rex.makeExactLiteral(BigDecimal.ONE.negate()))));
    assertFalse(FailureModel.mayFail(call(SqlStdOperatorTable.MINUS, max, one)));
    // Nested: the outer sum fits only if the inner one is computed exactly.
    assertTrue(
        FailureModel.mayFailAnywhere(
            call(SqlStdOperatorTable.MINUS, call(SqlStdOperatorTable.PLUS, max, one), one)));
  }

  @Test
  void alwaysFailingBranchOfADataDependentCase_mayFail() {
    // CASE WHEN x > 0 THEN 1 / 0 ELSE 1 END fails exactly when some row has x > 0.
    RexNode one = rex.makeExactLiteral(BigDecimal.ONE);
    RexNode zero = rex.makeExactLiteral(BigDecimal.ZERO);
    RexNode caseWhen =
        rex.makeCall(
            SqlStdOperatorTable.CASE,
            call(SqlStdOperatorTable.GREATER_THAN, longs(), zero),
            call(SqlStdOperatorTable.DIVIDE, one, zero),
            one);
    assertTrue(FailureModel.mayFailAnywhere(caseWhen));
    RexNode safe =
        rex.makeCall(
            SqlStdOperatorTable.CASE,
            call(SqlStdOperatorTable.GREATER_THAN, longs(), zero),
            call(SqlStdOperatorTable.PLUS, doubles(), doubles()),
            rex.makeApproxLiteral(BigDecimal.ONE));
    assertFalse(FailureModel.mayFailAnywhere(safe));
  }

  @Test
  void substring_needsNonNegativeLiteralBounds() {
    RexNode column = rex.makeInputRef(text, 2);
    assertFalse(
        FailureModel.mayFail(
            call(
                SqlStdOperatorTable.SUBSTRING,
                column,
                rex.makeExactLiteral(BigDecimal.ONE),
                rex.makeExactLiteral(BigDecimal.TEN))));
    assertTrue(
        FailureModel.mayFail(
            call(
                SqlStdOperatorTable.SUBSTRING,
                column,
                rex.makeExactLiteral(BigDecimal.ONE),
                rex.makeExactLiteral(BigDecimal.ONE.negate()))));
  }

  @Test
  void casts_failOrMergeValuesAsDeclared() {
    // BIGINT to DOUBLE cannot fail but rounds above 2^53: distinct keys may meet.
    assertFalse(FailureModel.castMayFail(bigint, dbl));
    assertFalse(FailureModel.keepsValuesDistinct(bigint, dbl));
    assertFalse(FailureModel.castMayFail(integer, bigint));
    assertTrue(FailureModel.keepsValuesDistinct(integer, bigint));
    assertTrue(FailureModel.castMayFail(bigint, integer));
    assertTrue(FailureModel.castMayFail(text, integer));
    assertFalse(FailureModel.castMayFail(bigint, text));
  }

  @Test
  void datesAndBooleanCasts_cannotFail() {
    assertFalse(
        FailureModel.castMayFail(nullable(SqlTypeName.TIMESTAMP), nullable(SqlTypeName.DATE)));
    assertFalse(FailureModel.castMayFail(nullable(SqlTypeName.BOOLEAN), integer));
    assertFalse(FailureModel.castMayFail(nullable(SqlTypeName.BOOLEAN), bigint));
    assertFalse(FailureModel.castMayFail(nullable(SqlTypeName.BOOLEAN), dbl));
    assertTrue(FailureModel.castMayFail(nullable(SqlTypeName.DATE), integer));
  }

  @Test
  void like_cannotFailOnlyWithAValidLiteralPatternAndEscape() {
    RexNode column = rex.makeInputRef(text, 2);
    assertFalse(
        FailureModel.mayFail(call(SqlStdOperatorTable.LIKE, column, rex.makeLiteral("c%"))));
    assertFalse(
        FailureModel.mayFail(
            call(SqlStdOperatorTable.LIKE, column, rex.makeLiteral("c!%%"), rex.makeLiteral("!"))));
    // An escape followed by an ordinary character fails on every row Calcite evaluates.
    assertTrue(
        FailureModel.mayFail(
            call(SqlStdOperatorTable.LIKE, column, rex.makeLiteral("c!x"), rex.makeLiteral("!"))));
    assertTrue(
        FailureModel.mayFail(
            call(SqlStdOperatorTable.LIKE, column, rex.makeLiteral("c%"), rex.makeLiteral("!!"))));
    assertTrue(FailureModel.mayFail(call(SqlStdOperatorTable.LIKE, column, column)));
  }
}
