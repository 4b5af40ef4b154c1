package dev.cleanroom.querypolicy.rewrite;

import dev.cleanroom.querypolicy.lineage.AggregateUse;
import dev.cleanroom.querypolicy.lineage.BaseColumn;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.Collectors;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexDigestIncludeType;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlSyntax;

/**
 * SQL-like text of an aggregate or a group key over the base row, with columns by their qualified
 * names: how the privacy report names a released part the analyst did not name, e.g. {@code
 * SUM(advertiser.impressions.cost)}. For reading, not for parsing.
 */
final class ExpressionText {
  private ExpressionText() {}

  /**
   * {@code FUNCTION([DISTINCT] arguments) [FILTER (WHERE condition)]}, {@code COUNT(*)} for a row
   * count.
   */
  static String of(AggregateUse aggregate, List<BaseColumn> columns) {
    return of(aggregate, (IntFunction<String>) i -> columns.get(i).qualifiedName());
  }

  /** An expression over the base row. */
  static String of(RexNode expression, List<BaseColumn> columns) {
    return of(expression, (IntFunction<String>) i -> columns.get(i).qualifiedName());
  }

  /** Like {@link #of(AggregateUse, List)}, input {@code i} named {@code inputName.apply(i)}. */
  static String of(AggregateUse aggregate, IntFunction<String> inputName) {
    String name = aggregate.function().getName().toUpperCase(Locale.ROOT);
    String filter =
        aggregate.filter() == null
            ? ""
            : " FILTER (WHERE " + of(aggregate.filter(), inputName) + ")";
    if (aggregate.arguments().isEmpty()) {
      return name + "(*)" + filter;
    }
    String arguments =
        aggregate.arguments().stream()
            .map(argument -> of(argument, inputName))
            .collect(Collectors.joining(", "));
    return name + "(" + (aggregate.distinct() ? "DISTINCT " : "") + arguments + ")" + filter;
  }

  /** Like {@link #of(RexNode, List)}, input {@code i} named {@code inputName.apply(i)}. */
  static String of(RexNode expression, IntFunction<String> inputName) {
    if (expression instanceof RexInputRef ref) {
      return inputName.apply(ref.getIndex());
    }
    if (expression instanceof RexLiteral literal) {
      return literal.computeDigest(RexDigestIncludeType.NO_TYPE);
    }
    if (!(expression instanceof RexCall call)) {
      return expression.toString();
    }
    List<String> operands = call.getOperands().stream().map(o -> of(o, inputName)).toList();
    if (call.getKind() == SqlKind.CASE) {
      StringBuilder text = new StringBuilder("CASE");
      for (int i = 0; i + 1 < operands.size(); i += 2) {
        text.append(" WHEN ").append(operands.get(i)).append(" THEN ").append(operands.get(i + 1));
      }
      return text.append(" ELSE ")
          .append(operands.get(operands.size() - 1))
          .append(" END")
          .toString();
    }
    if (call.getKind() == SqlKind.CAST) {
      return "CAST(" + operands.get(0) + " AS " + call.getType().getSqlTypeName() + ")";
    }
    String operator = call.getOperator().getName();
    SqlSyntax syntax = call.getOperator().getSyntax();
    if (syntax == SqlSyntax.BINARY && operands.size() == 2) {
      return "(" + operands.get(0) + " " + operator + " " + operands.get(1) + ")";
    }
    if (syntax == SqlSyntax.PREFIX && operands.size() == 1) {
      return operator + " " + operands.get(0);
    }
    if (syntax == SqlSyntax.POSTFIX && operands.size() == 1) {
      return operands.get(0) + " " + operator;
    }
    return operator + "(" + String.join(", ", operands) + ")";
  }
}
