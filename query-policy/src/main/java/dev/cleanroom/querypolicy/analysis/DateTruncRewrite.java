package dev.cleanroom.querypolicy.analysis;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCharStringLiteral;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;

/**
 * Rewrites PostgreSQL's {@code DATE_TRUNC('unit', x)} with a literal unit into the {@code FLOOR(x
 * TO unit)} both engines already evaluate, before validation; the plan is then checked as usual. A
 * week starts on Monday, as in PostgreSQL (Calcite's {@code FLOOR(x TO WEEK)} starts on Sunday).
 * Any other use of {@code DATE_TRUNC} is left alone and refused by validation.
 */
final class DateTruncRewrite {
  private static final String ARGUMENT = "DATE_TRUNC$ARGUMENT";

  private static final Map<String, String> TEMPLATES =
      Map.of(
          "year", "FLOOR(x TO YEAR)",
          "quarter", "FLOOR(x TO QUARTER)",
          "month", "FLOOR(x TO MONTH)",
          "week", "FLOOR(x - INTERVAL '1' DAY TO WEEK) + INTERVAL '1' DAY",
          "day", "FLOOR(x TO DAY)",
          "hour", "FLOOR(x TO HOUR)",
          "minute", "FLOOR(x TO MINUTE)",
          "second", "FLOOR(x TO SECOND)");

  private DateTruncRewrite() {}

  /** The statement with every {@code DATE_TRUNC} of a literal unit rewritten, in place. */
  static SqlNode rewrite(SqlNode node, SqlParser.Config parser) {
    if (node instanceof SqlNodeList list) {
      for (int i = 0; i < list.size(); i++) {
        SqlNode item = list.get(i);
        if (item != null) {
          SqlNode rewritten = rewrite(item, parser);
          if (rewritten != item) {
            list.set(i, rewritten);
          }
        }
      }
      return list;
    }
    if (!(node instanceof SqlCall call)) {
      return node;
    }
    List<SqlNode> operands = call.getOperandList();
    for (int i = 0; i < operands.size(); i++) {
      SqlNode operand = operands.get(i);
      if (operand != null) {
        SqlNode rewritten = rewrite(operand, parser);
        if (rewritten != operand) {
          call.setOperand(i, rewritten);
        }
      }
    }
    String template = template(call);
    return template == null ? call : instantiate(template, call.operand(1), parser);
  }

  private static String template(SqlCall call) {
    if (!call.getOperator().getName().equalsIgnoreCase("DATE_TRUNC")
        || call.operandCount() != 2
        || !(call.operand(0) instanceof SqlCharStringLiteral unit)) {
      return null;
    }
    return TEMPLATES.get(unit.getValueAs(String.class).toLowerCase(Locale.ROOT));
  }

  private static SqlNode instantiate(String template, SqlNode argument, SqlParser.Config parser) {
    SqlNode expression;
    try {
      expression =
          SqlParser.create(template.replace("x", '"' + ARGUMENT + '"'), parser).parseExpression();
    } catch (SqlParseException e) {
      throw new IllegalStateException("a DATE_TRUNC template does not parse: " + template, e);
    }
    return substitute(expression, argument);
  }

  private static SqlNode substitute(SqlNode node, SqlNode argument) {
    if (node instanceof SqlIdentifier identifier
        && identifier.isSimple()
        && identifier.getSimple().equals(ARGUMENT)) {
      return argument;
    }
    if (node instanceof SqlCall call) {
      for (int i = 0; i < call.operandCount(); i++) {
        SqlNode operand = call.operand(i);
        if (operand != null) {
          SqlNode substituted = substitute(operand, argument);
          if (substituted != operand) {
            call.setOperand(i, substituted);
          }
        }
      }
    }
    return node;
  }
}
