package dev.cleanroom.querypolicy.lineage;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Conditional aggregates in the terms the lineage rules already know: a {@code FILTER (WHERE c)} is
 * a {@code CASE WHEN c} inside the aggregate, so it reads what such a {@code CASE} reads and is
 * checked by the same rules; and conditional reach, {@code COUNT(DISTINCT CASE WHEN c THEN unit
 * END)}, is a per-row indicator whose per-person count the rewrite clamps to 1.
 */
final class ConditionalAggregates {
  private ConditionalAggregates() {}

  /**
   * The aggregate with its {@code FILTER} folded into its argument: {@code AGG(x) FILTER (WHERE c)}
   * becomes {@code AGG(CASE WHEN c THEN x END)} and {@code COUNT(*) FILTER (WHERE c)} becomes
   * {@code COUNT(CASE WHEN c THEN 1 END)}; both count, sum and average exactly the same rows.
   */
  static AggregateUse foldFilter(AggregateUse aggregate, RexBuilder rex) {
    RexNode filter = aggregate.filter();
    if (filter == null || aggregate.arguments().size() > 1) {
      return aggregate;
    }
    RexNode value =
        aggregate.arguments().isEmpty()
            ? rex.makeExactLiteral(BigDecimal.ONE)
            : aggregate.arguments().get(0);
    RelDataType type = rex.getTypeFactory().createTypeWithNullability(value.getType(), true);
    RexNode folded =
        rex.makeCall(
            type, SqlStdOperatorTable.CASE, List.of(filter, value, rex.makeNullLiteral(type)));
    return new AggregateUse(
        aggregate.function(), aggregate.distinct(), List.of(folded), aggregate.hasClause(), null);
  }

  /**
   * For {@code COUNT(DISTINCT CASE WHEN c1 THEN unit [WHEN c2 THEN unit ...] [ELSE NULL] END)}: the
   * same {@code CASE} with {@code 1} for the unit, non-NULL exactly on the rows the distinct count
   * would count; {@code null} for any other argument. Every non-NULL result of the {@code CASE}
   * must be the unit (a column that names the person), so counting the person's rows where it is
   * non-NULL, clamped to 1, counts the person once when they have such a row.
   */
  static RexNode reachIndicator(RexNode argument, Predicate<RexNode> isUnit, RexBuilder rex) {
    if (argument.getKind() != SqlKind.CASE) {
      return null;
    }
    List<RexNode> operands = ((RexCall) argument).getOperands();
    RelDataType flag =
        rex.getTypeFactory()
            .createTypeWithNullability(
                rex.getTypeFactory().createSqlType(SqlTypeName.INTEGER), true);
    List<RexNode> indicator = new ArrayList<>();
    boolean readsUnit = false;
    for (int i = 0; i < operands.size(); i++) {
      boolean isValue = i % 2 == 1 || i == operands.size() - 1;
      RexNode operand = operands.get(i);
      if (!isValue) {
        indicator.add(operand);
      } else if (isNullLiteral(operand)) {
        indicator.add(rex.makeNullLiteral(flag));
      } else if (isUnit.test(operand)) {
        indicator.add(rex.makeExactLiteral(BigDecimal.ONE, flag));
        readsUnit = true;
      } else {
        return null;
      }
    }
    return readsUnit ? rex.makeCall(flag, SqlStdOperatorTable.CASE, indicator) : null;
  }

  private static boolean isNullLiteral(RexNode node) {
    RexNode plain = node;
    while (plain.getKind() == SqlKind.CAST) {
      plain = ((RexCall) plain).getOperands().get(0);
    }
    return plain instanceof RexLiteral literal && literal.isNull();
  }
}
