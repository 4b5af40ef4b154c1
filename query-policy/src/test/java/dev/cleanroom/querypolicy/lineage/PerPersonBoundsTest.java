package dev.cleanroom.querypolicy.lineage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.lineage.PerPersonBounds.Interval;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.Test;

class PerPersonBoundsTest {
  private static final RexBuilder REX = new RexBuilder(new JavaTypeFactoryImpl());
  private static final RelDataType BIGINT = REX.getTypeFactory().createSqlType(SqlTypeName.BIGINT);
  private static final RelDataType DOUBLE = REX.getTypeFactory().createSqlType(SqlTypeName.DOUBLE);
  private static final RelDataType VARCHAR =
      REX.getTypeFactory().createSqlType(SqlTypeName.VARCHAR);

  /** Field 0: a count per person; field 1: a sum per person of values of any sign. */
  private static final List<Interval> FIELDS =
      List.of(Interval.of(BigDecimal.ZERO, null), Interval.UNBOUNDED);

  private static final RexNode COUNT = REX.makeInputRef(BIGINT, 0);
  private static final RexNode SUM = REX.makeInputRef(DOUBLE, 1);

  private static RexNode number(long value) {
    return REX.makeExactLiteral(BigDecimal.valueOf(value), BIGINT);
  }

  private static RexNode call(org.apache.calcite.sql.SqlOperator operator, RexNode... operands) {
    return REX.makeCall(operator, operands);
  }

  private static void assertRange(long lower, long upper, Interval interval) {
    assertTrue(interval.bounded(), interval.toString());
    assertEquals(0, BigDecimal.valueOf(lower).compareTo(interval.lower()), interval.toString());
    assertEquals(0, BigDecimal.valueOf(upper).compareTo(interval.upper()), interval.toString());
  }

  @Test
  void least_boundsACountAbove() {
    assertRange(
        0, 10, PerPersonBounds.of(call(SqlLibraryOperators.LEAST, COUNT, number(10)), FIELDS));
  }

  @Test
  void leastAsCalciteWritesIt_isBoundedByTheCondition() {
    // LEAST(n, 10) becomes CASE WHEN n < 10 THEN n ELSE 10 END.
    RexNode least =
        call(
            SqlStdOperatorTable.CASE,
            call(SqlStdOperatorTable.LESS_THAN, COUNT, number(10)),
            COUNT,
            number(10));
    assertRange(0, 10, PerPersonBounds.of(least, FIELDS));
  }

  @Test
  void leastOfAnySignedSum_isUnboundedBelow() {
    Interval interval =
        PerPersonBounds.of(
            call(SqlLibraryOperators.LEAST, SUM, REX.makeApproxLiteral(BigDecimal.TEN)), FIELDS);
    assertFalse(interval.bounded(), interval.toString());
  }

  @Test
  void greatestOfLeast_boundsBothEnds() {
    RexNode clamp =
        call(
            SqlLibraryOperators.GREATEST,
            call(SqlLibraryOperators.LEAST, SUM, REX.makeApproxLiteral(BigDecimal.valueOf(50))),
            REX.makeApproxLiteral(BigDecimal.ZERO));
    assertRange(0, 50, PerPersonBounds.of(clamp, FIELDS));
  }

  @Test
  void caseOfLiterals_isTheirRange() {
    RexNode bucket =
        call(
            SqlStdOperatorTable.CASE,
            call(SqlStdOperatorTable.GREATER_THAN, SUM, REX.makeApproxLiteral(BigDecimal.TEN)),
            number(2),
            call(SqlStdOperatorTable.GREATER_THAN, SUM, REX.makeApproxLiteral(BigDecimal.ONE)),
            number(1),
            number(0));
    assertRange(0, 2, PerPersonBounds.of(bucket, FIELDS));
  }

  @Test
  void textOfACount_isBoundedOnlyWhereTheConditionBoundsIt() {
    RexNode text = REX.makeCast(VARCHAR, COUNT);
    assertFalse(PerPersonBounds.boundedKey(text, FIELDS, field -> false));
    RexNode label =
        call(
            SqlStdOperatorTable.CASE,
            call(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, COUNT, number(5)),
            REX.makeLiteral("5+"),
            text);
    assertTrue(PerPersonBounds.boundedKey(label, FIELDS, field -> false));
  }

  @Test
  void dimensionLikeField_isABoundedKeyAsItIs() {
    assertTrue(PerPersonBounds.boundedKey(SUM, FIELDS, field -> field == 1));
    assertFalse(PerPersonBounds.boundedKey(COUNT, FIELDS, field -> field == 1));
  }

  @Test
  void sumsOfNonNegativeValues_areNonNegativeAndUnboundedAbove() {
    Interval sums = Interval.of(BigDecimal.ZERO, BigDecimal.ONE).ofSums();
    assertEquals(0, BigDecimal.ZERO.compareTo(sums.lower()));
    assertEquals(null, sums.upper());
  }

  @Test
  void arithmeticOfBoundedValues_isBounded() {
    RexNode flag =
        call(
            SqlStdOperatorTable.CASE,
            call(SqlStdOperatorTable.GREATER_THAN, COUNT, number(3)),
            number(1),
            number(0));
    assertRange(
        1,
        3,
        PerPersonBounds.of(
            call(
                SqlStdOperatorTable.MINUS,
                number(1),
                call(SqlStdOperatorTable.MULTIPLY, flag, number(-2))),
            FIELDS));
  }
}
