package dev.cleanroom.querypolicy.analysis;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.JoinConditionType;
import org.apache.calcite.sql.JoinType;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDynamicParam;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlOrderBy;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.SqlUnresolvedFunction;
import org.apache.calcite.sql.SqlWith;
import org.apache.calcite.sql.SqlWithItem;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Refuses, on the parsed SQL and before validation, the constructs the policy layer does not
 * support; every occurrence is reported with its position.
 */
final class StructureCheck {
  /** Deeper syntax trees are refused before any recursive Calcite phase sees them. */
  static final int MAX_TREE_DEPTH = 150;

  /** Functions called without parentheses, which the parser leaves as identifiers. */
  private static final Set<String> NILADIC_FUNCTIONS =
      Set.of(
          "CURRENT_TIMESTAMP",
          "CURRENT_DATE",
          "CURRENT_TIME",
          "LOCALTIME",
          "LOCALTIMESTAMP",
          "CURRENT_USER",
          "SESSION_USER",
          "SYSTEM_USER",
          "USER",
          "CURRENT_ROLE",
          "CURRENT_CATALOG",
          "CURRENT_SCHEMA",
          "CURRENT_PATH");

  private final List<Violation> violations = new ArrayList<>();
  private final Set<ViolationCode> reported = new HashSet<>();

  /** Names of the WITH items seen so far, upper-case: a LEFT JOIN may name one. */
  private final Set<String> withItems = new HashSet<>();

  private StructureCheck() {}

  /** Every structural violation of a parsed statement; empty when the shape is supported. */
  static List<Violation> check(SqlNode statement) {
    StructureCheck check = new StructureCheck();
    if (!statement.isA(SqlKind.QUERY)) {
      check.add(
          ViolationCode.STATEMENT_NOT_ALLOWED,
          statement.getParserPosition(),
          "only a single SELECT query is allowed, not " + statement.getKind());
      return check.violations;
    }
    check.query(unwrapTopOrderBy(check, statement), 0);
    return List.copyOf(check.violations);
  }

  private static SqlNode unwrapTopOrderBy(StructureCheck check, SqlNode statement) {
    if (statement instanceof SqlOrderBy orderBy) {
      if (orderBy.offset != null) {
        check.add(
            ViolationCode.ROW_LIMIT_NOT_ALLOWED,
            orderBy.offset.getParserPosition(),
            "OFFSET is not supported: rows are released after noise, as one answer");
      }
      if (orderBy.orderList != null) {
        for (SqlNode item : orderBy.orderList) {
          if (item.getKind() == SqlKind.NULLS_FIRST || item.getKind() == SqlKind.NULLS_LAST) {
            check.add(
                ViolationCode.UNSUPPORTED_CONSTRUCT,
                item.getParserPosition(),
                "NULLS FIRST and NULLS LAST are not supported: released rows sort NULL as the"
                    + " highest value (first when descending, last when ascending)");
          }
        }
        check.expressions(orderBy.orderList, 1);
      }
      return orderBy.query;
    }
    return statement;
  }

  private void query(SqlNode node, int depth) {
    if (depth > MAX_TREE_DEPTH) {
      throw new TooDeep();
    }
    switch (node.getKind()) {
      case SELECT -> select((SqlSelect) node, depth);
      case WITH -> with((SqlWith) node, depth);
      case UNION, INTERSECT, EXCEPT -> {
        add(
            ViolationCode.SET_OPERATION,
            node.getParserPosition(),
            node.getKind() + " is not supported: a unit could contribute through each branch");
        for (SqlNode operand : ((SqlCall) node).getOperandList()) {
          query(operand, depth + 1);
        }
      }
      case VALUES ->
          add(
              ViolationCode.VALUES_NOT_ALLOWED,
              node.getParserPosition(),
              "VALUES rows supplied by the analyst are not allowed");
      case ORDER_BY -> {
        add(
            ViolationCode.ROW_LIMIT_NOT_ALLOWED,
            node.getParserPosition(),
            "ORDER BY, LIMIT or OFFSET inside a sub-query is not supported");
        query(((SqlOrderBy) node).query, depth + 1);
      }
      default -> from(node, depth);
    }
  }

  private void with(SqlWith with, int depth) {
    for (SqlNode item : with.withList) {
      SqlWithItem withItem = (SqlWithItem) item;
      if (withItem.recursive != null && withItem.recursive.booleanValue()) {
        add(
            ViolationCode.RECURSION,
            withItem.getParserPosition(),
            "WITH RECURSIVE is not supported");
      }
      query(withItem.query, depth + 1);
      withItems.add(withItem.name.getSimple().toUpperCase(Locale.ROOT));
    }
    query(with.body, depth + 1);
  }

  private void select(SqlSelect select, int depth) {
    if (select.hasHints()) {
      add(ViolationCode.HINT, select.getHints().getParserPosition(), "hints are not allowed");
    }
    if (select.getFetch() != null || select.getOffset() != null) {
      SqlNode limit = select.getFetch() != null ? select.getFetch() : select.getOffset();
      add(
          ViolationCode.ROW_LIMIT_NOT_ALLOWED,
          limit.getParserPosition(),
          "LIMIT or OFFSET inside a sub-query is not supported");
    }
    if (select.getWindowList() != null && !select.getWindowList().isEmpty()) {
      add(
          ViolationCode.WINDOW_FUNCTION,
          select.getWindowList().getParserPosition(),
          "window definitions are not supported");
    }
    if (select.getQualify() != null) {
      add(
          ViolationCode.WINDOW_FUNCTION,
          select.getQualify().getParserPosition(),
          "QUALIFY is not supported");
    }
    if (select.getFrom() != null) {
      from(select.getFrom(), depth + 1);
    }
    expressions(select.getSelectList(), depth + 1);
    expression(select.getWhere(), depth + 1);
    expressions(select.getGroup(), depth + 1);
    expression(select.getHaving(), depth + 1);
    expressions(select.getOrderList(), depth + 1);
  }

  private void from(SqlNode node, int depth) {
    if (depth > MAX_TREE_DEPTH) {
      throw new TooDeep();
    }
    switch (node.getKind()) {
      case IDENTIFIER -> {}
      case AS -> from(((SqlCall) node).operand(0), depth + 1);
      case JOIN -> join((SqlJoin) node, depth);
      case SELECT, WITH, UNION, INTERSECT, EXCEPT, VALUES, ORDER_BY -> query(node, depth + 1);
      case TABLESAMPLE ->
          add(ViolationCode.SAMPLING, node.getParserPosition(), "TABLESAMPLE is not allowed");
      case TABLE_REF -> {
        add(ViolationCode.HINT, node.getParserPosition(), "table hints are not allowed");
      }
      case EXPLICIT_TABLE -> {}
      case LATERAL, UNNEST, COLLECTION_TABLE, MATCH_RECOGNIZE, PIVOT, UNPIVOT, SNAPSHOT ->
          add(
              ViolationCode.UNSUPPORTED_CONSTRUCT,
              node.getParserPosition(),
              node.getKind() + " is not supported in FROM");
      default ->
          add(
              ViolationCode.UNSUPPORTED_CONSTRUCT,
              node.getParserPosition(),
              node.getKind() + " is not supported in FROM");
    }
  }

  private void join(SqlJoin join, int depth) {
    JoinType type = join.getJoinType();
    if (join.isNatural()) {
      add(
          ViolationCode.JOIN_TYPE_NOT_ALLOWED,
          join.getParserPosition(),
          "NATURAL JOIN is not allowed: name the join keys with ON");
    } else if (type == JoinType.LEFT
        && join.getConditionType() == JoinConditionType.ON
        && isSubQuery(join.getRight())) {
      // Allowed only from the unit's own table to a per-person sub-query: the plan decides.
    } else if (type != JoinType.INNER || join.getConditionType() == JoinConditionType.NONE) {
      add(
          ViolationCode.JOIN_TYPE_NOT_ALLOWED,
          join.getParserPosition(),
          type.name().replace('_', ' ')
              + " join is not allowed: only INNER JOIN ... ON declared join keys");
    }
    from(join.getLeft(), depth + 1);
    from(join.getRight(), depth + 1);
    if (join.getConditionType() == JoinConditionType.ON) {
      expression(join.getCondition(), depth + 1);
    }
  }

  /** A sub-query, or a WITH item named in FROM, possibly with an alias. */
  private boolean isSubQuery(SqlNode node) {
    SqlNode operand = node.getKind() == SqlKind.AS ? ((SqlCall) node).operand(0) : node;
    if (operand instanceof SqlIdentifier identifier) {
      return identifier.isSimple()
          && withItems.contains(identifier.getSimple().toUpperCase(Locale.ROOT));
    }
    return operand.getKind() == SqlKind.SELECT || operand.getKind() == SqlKind.WITH;
  }

  private void expressions(SqlNodeList list, int depth) {
    if (list == null) {
      return;
    }
    for (SqlNode node : list) {
      expression(node, depth);
    }
  }

  private void expression(SqlNode node, int depth) {
    if (node == null) {
      return;
    }
    if (depth > MAX_TREE_DEPTH) {
      throw new TooDeep();
    }
    if (node instanceof SqlNodeList list) {
      expressions(list, depth + 1);
      return;
    }
    if (node instanceof SqlIdentifier identifier
        && identifier.isSimple()
        && NILADIC_FUNCTIONS.contains(identifier.getSimple().toUpperCase(Locale.ROOT))) {
      add(
          ViolationCode.FUNCTION_NOT_ALLOWED,
          node.getParserPosition(),
          "function " + identifier.getSimple() + " is not on the allow-list");
      return;
    }
    if (node instanceof SqlDynamicParam) {
      add(
          ViolationCode.DYNAMIC_PARAMETER,
          node.getParserPosition(),
          "dynamic parameters (?) are not allowed");
      return;
    }
    if (node.isA(SqlKind.QUERY)) {
      add(
          ViolationCode.SUBQUERY_NOT_ALLOWED,
          node.getParserPosition(),
          "sub-queries are allowed only in FROM and WITH");
      query(node, depth + 1);
      return;
    }
    if (!(node instanceof SqlCall call)) {
      return;
    }
    switch (call.getKind()) {
      case OVER ->
          add(
              ViolationCode.WINDOW_FUNCTION,
              call.getParserPosition(),
              "window functions (OVER) are not supported");
      case ROLLUP, CUBE, GROUPING_SETS, GROUPING, GROUP_ID, GROUPING_ID ->
          add(
              ViolationCode.GROUPING_SETS,
              call.getParserPosition(),
              call.getKind()
                  + " is not supported: a person counts in every grouping set, so each set needs"
                  + " its own share of epsilon; ask one query per grouping (each spends its own"
                  + " epsilon) and add the rolled-up rows yourself");
      case WITHIN_GROUP -> {
        // Quantiles are released from a noised histogram (docs/PRIVACY.md, "Quantiles"); the
        // lineage check requires their ORDER BY to be one ascending metric.
        if (!isPercentile(call.operand(0))) {
          add(
              ViolationCode.AGGREGATE_CLAUSE_NOT_ALLOWED,
              call.getParserPosition(),
              "WITHIN GROUP is supported only on PERCENTILE_CONT and PERCENTILE_DISC");
        } else if (!(call.operand(1) instanceof SqlNodeList order)
            || order.size() != 1
            || order.get(0).getKind() == SqlKind.DESCENDING
            || order.get(0).getKind() == SqlKind.NULLS_FIRST
            || order.get(0).getKind() == SqlKind.NULLS_LAST) {
          add(
              ViolationCode.AGGREGATE_CLAUSE_NOT_ALLOWED,
              call.getParserPosition(),
              "a quantile's WITHIN GROUP orders by one ascending expression: for a descending"
                  + " order write PERCENTILE_CONT(1 - q)");
        }
      }
      case WITHIN_DISTINCT ->
          add(
              ViolationCode.AGGREGATE_CLAUSE_NOT_ALLOWED,
              call.getParserPosition(),
              call.getKind().sql.replace('_', ' ') + " on an aggregate is not supported");
      case EXISTS,
              SCALAR_QUERY,
              ARRAY_QUERY_CONSTRUCTOR,
              MAP_QUERY_CONSTRUCTOR,
              MULTISET_QUERY_CONSTRUCTOR,
              CURSOR ->
          add(
              ViolationCode.SUBQUERY_NOT_ALLOWED,
              call.getParserPosition(),
              "sub-queries are allowed only in FROM and WITH");
      default -> {}
    }
    // Named calls are unresolved until validation; built-in syntax (CAST, EXTRACT, ...) is checked
    // on the plan by the lineage allow-list.
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    if (AllowedFunctions.REFUSED_AGGREGATES.contains(name)) {
      add(
          ViolationCode.AGGREGATE_NOT_ALLOWED,
          call.getParserPosition(),
          "aggregate " + name + " is not allowed: only COUNT, SUM and AVG are released");
    } else if (call.getOperator() instanceof SqlUnresolvedFunction) {
      if (!AllowedFunctions.isAllowedName(name)) {
        add(
            ViolationCode.FUNCTION_NOT_ALLOWED,
            call.getParserPosition(),
            "function " + name + " is not on the allow-list");
      }
    }
    for (SqlNode operand : call.getOperandList()) {
      expression(operand, depth + 1);
    }
  }

  private void add(ViolationCode code, SqlParserPos position, String message) {
    if (!reported.add(code)) {
      return;
    }
    violations.add(
        new Violation(
            code,
            null,
            Math.max(1, position.getLineNum()),
            Math.max(1, position.getColumnNum()),
            message));
  }

  /** Thrown when the syntax tree is deeper than {@link #MAX_TREE_DEPTH}. */
  static final class TooDeep extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooDeep() {
      super("syntax tree too deep", null, false, false);
    }
  }

  private static boolean isPercentile(SqlNode node) {
    if (!(node instanceof SqlCall call)) {
      return false;
    }
    String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
    return name.equals("PERCENTILE_CONT") || name.equals("PERCENTILE_DISC");
  }
}
