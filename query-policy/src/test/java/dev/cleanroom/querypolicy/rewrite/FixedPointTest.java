package dev.cleanroom.querypolicy.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContexts;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexExecutorImpl;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link FixedPoint#toUnits}: the same rounding (half away from zero) whichever form the bounds let
 * the plan take, a single cast when they say the sign, the {@code CASE} only when they do not.
 */
class FixedPointTest {
  private final RexBuilder rex = new RexBuilder(new JavaTypeFactoryImpl());

  /** Units of 2^0 = 1, so the scaled value is the value itself. */
  @ParameterizedTest
  @CsvSource({
    "2.5, 0, 10, 3",
    "2.4999, 0, 10, 2",
    "0.5, 0, 10, 1",
    "0, 0, 10, 0",
    "-2.5, -10, 0, -3",
    "-2.4999, -10, 0, -2",
    "-0.5, -10, 0, -1",
    "-2.5, -10, 10, -3",
    "2.5, -10, 10, 3",
    "-0.4, -10, 10, 0",
  })
  void roundsHalfAwayFromZero_inEveryForm(
      double value, BigDecimal lower, BigDecimal upper, long units) {
    RexNode node =
        FixedPoint.toUnits(
            rex,
            rex.makeApproxLiteral(
                BigDecimal.valueOf(value), rex.getTypeFactory().createSqlType(SqlTypeName.DOUBLE)),
            0,
            lower,
            upper);
    List<RexNode> reduced = new ArrayList<>();
    new RexExecutorImpl(DataContexts.EMPTY).reduce(rex, List.of(node), reduced);

    assertEquals(units, ((RexLiteral) reduced.get(0)).getValueAs(Long.class));
  }

  @ParameterizedTest
  @CsvSource({"0, 10, false", "-10, 0, false", "-10, 10, true", "1, 10, false"})
  void writesTheCase_onlyWhenTheBoundsDoNotSayTheSign(
      BigDecimal lower, BigDecimal upper, boolean withCase) {
    RexNode node =
        FixedPoint.toUnits(
            rex,
            rex.makeInputRef(rex.getTypeFactory().createSqlType(SqlTypeName.DOUBLE), 0),
            -3,
            lower,
            upper);

    assertEquals(withCase, node.getKind() == SqlKind.CASE);
    if (!withCase) {
      assertTrue(node.isA(SqlKind.CAST));
      assertFalse(node.toString().contains("CASE"));
    }
  }
}
