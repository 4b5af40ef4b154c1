package dev.cleanroom.querypolicy.lineage;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.querypolicy.analysis.ViolationCode;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sample;
import org.apache.calcite.rel.core.SetOp;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCorrelVariable;
import org.apache.calcite.rex.RexDynamicParam;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexSubQuery;

/**
 * Flattens a converted plan into a {@link FlatQuery}: walks the operators bottom-up and rewrites
 * every expression in terms of the scanned columns, so renames, CTEs, sub-queries and projections
 * cannot hide what an expression reads. Operators it does not support become violations.
 */
public final class PlanFlattener {
  private final Map<TableName, DatasetPolicy> policies;
  private final String purpose;
  private final RexBuilder rexBuilder;

  /** The most nodes one expression may have once sub-queries are inlined into it. */
  static final int MAX_EXPRESSION_NODES = 10_000;

  private final List<Violation> violations = new ArrayList<>();
  private final List<Scan> scans = new ArrayList<>();
  private final List<BaseColumn> columns = new ArrayList<>();
  private final List<RexNode> joinConditions = new ArrayList<>();
  private final List<RexNode> filters = new ArrayList<>();
  private final List<RexNode> groupKeys = new ArrayList<>();
  private final List<AggregateUse> aggregates = new ArrayList<>();
  private final List<RexNode> having = new ArrayList<>();
  private boolean aggregateSeen;
  private boolean nestingRefused;
  private PerPersonBlock perPerson;
  private List<RelDataType> lastAggregateTypes = List.of();

  /** The fields an operator produces, and whether they are past the aggregate. */
  private record Fields(List<RexNode> expressions, boolean aggregated) {}

  /** A flattened query and the violations found on the way. */
  public record Result(FlatQuery query, List<Violation> violations) {}

  private PlanFlattener(
      Map<TableName, DatasetPolicy> policies, RexBuilder rexBuilder, String purpose) {
    this.policies = policies;
    this.rexBuilder = rexBuilder;
    this.purpose = purpose;
  }

  /** Flattens the plan of one analyst query that declared no purpose. */
  public static Result flatten(RelRoot root, Map<TableName, DatasetPolicy> policies) {
    return flatten(root, policies, null);
  }

  /** Flattens the plan of one analyst query, which declared {@code purpose} (or null). */
  public static Result flatten(
      RelRoot root, Map<TableName, DatasetPolicy> policies, String purpose) {
    PlanFlattener flattener =
        new PlanFlattener(policies, root.rel.getCluster().getRexBuilder(), purpose);
    return flattener.run(root);
  }

  private Result run(RelRoot root) {
    RelNode top = root.rel;
    Sort sort = null;
    if (top instanceof Sort topSort) {
      sort = topSort;
      top = topSort.getInput();
    }
    Fields fields = visit(top);
    List<RexNode> outputs = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (var field : root.fields) {
      outputs.add(fields.expressions().get(field.getKey()));
      names.add(field.getValue());
    }
    List<RelFieldCollation> order = new ArrayList<>();
    List<RexNode> sortValues = new ArrayList<>();
    Integer limit = null;
    if (sort != null) {
      for (RelFieldCollation collation : sort.getCollation().getFieldCollations()) {
        int output = outputIndex(root, collation.getFieldIndex());
        if (output < 0) {
          // Not an output: a value sorted on after noise; the lineage check decides what it may be.
          order.add(collation.withFieldIndex(outputs.size() + sortValues.size()));
          sortValues.add(fields.expressions().get(collation.getFieldIndex()));
        } else {
          order.add(collation.withFieldIndex(output));
        }
      }
      if (sort.offset != null) {
        add(ViolationCode.ROW_LIMIT_NOT_ALLOWED, "OFFSET is not supported");
      }
      if (sort.fetch != null) {
        // As BigDecimal: reading it as an Integer would silently wrap values past the int range.
        BigDecimal value =
            sort.fetch instanceof RexLiteral literal ? literal.getValueAs(BigDecimal.class) : null;
        if (value == null) {
          add(ViolationCode.ROW_LIMIT_NOT_ALLOWED, "LIMIT must be a literal number");
        } else if (value.signum() < 0
            || value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) > 0
            || value.stripTrailingZeros().scale() > 0) {
          add(
              ViolationCode.ROW_LIMIT_NOT_ALLOWED,
              "LIMIT must be a whole number from 0 to " + Integer.MAX_VALUE);
        } else {
          limit = value.intValueExact();
        }
      }
    }
    List<RexNode> baseFilters = filters;
    if (perPerson != null && perPerson.leftJoin() != null) {
      // Filters after the LEFT JOIN read the joined row: they are the outer block's.
      int start = perPerson.leftJoin().outerFiltersFrom();
      perPerson = perPerson.withOuterFilters(filters.subList(start, filters.size()));
      baseFilters = filters.subList(0, start);
    }
    FlatQuery query =
        new FlatQuery(
            scans,
            columns,
            joinConditions,
            baseFilters,
            aggregateSeen,
            groupKeys,
            aggregates,
            having,
            outputs,
            names,
            order,
            limit,
            sortValues,
            perPerson);
    return new Result(query, List.copyOf(violations));
  }

  private static int outputIndex(RelRoot root, int field) {
    for (int i = 0; i < root.fields.size(); i++) {
      if (root.fields.get(i).getKey() == field) {
        return i;
      }
    }
    return -1;
  }

  private Fields visit(RelNode rel) {
    if (rel instanceof TableScan scan) {
      return scan(scan);
    }
    if (rel instanceof Filter filter) {
      Fields input = visit(filter.getInput());
      RexNode condition = substitute(filter.getCondition(), input);
      (input.aggregated() ? having : filters).add(condition);
      return input;
    }
    if (rel instanceof Project project) {
      Fields input = visit(project.getInput());
      List<RexNode> expressions = new ArrayList<>();
      for (RexNode expression : project.getProjects()) {
        expressions.add(substitute(expression, input));
      }
      return new Fields(expressions, input.aggregated());
    }
    if (rel instanceof Join join) {
      return join(join);
    }
    if (rel instanceof Aggregate aggregate) {
      return aggregate(aggregate);
    }
    if (rel instanceof Sort sort) {
      if (sort.fetch != null || sort.offset != null) {
        add(
            ViolationCode.ROW_LIMIT_NOT_ALLOWED,
            "LIMIT or OFFSET inside a sub-query is not supported");
      }
      return visit(sort.getInput());
    }
    if (rel instanceof Values values) {
      add(ViolationCode.VALUES_NOT_ALLOWED, "VALUES rows supplied by the analyst are not allowed");
      return opaque(values);
    }
    if (rel instanceof SetOp setOp) {
      add(ViolationCode.SET_OPERATION, setOp.kind + " is not supported");
      Fields first = null;
      boolean aggregateBefore = aggregateSeen;
      for (RelNode input : setOp.getInputs()) {
        // Each branch is its own query block: its aggregate does not nest in its sibling's.
        aggregateSeen = aggregateBefore;
        Fields fields = visit(input);
        first = first == null ? fields : first;
      }
      return first;
    }
    if (rel instanceof Correlate correlate) {
      add(ViolationCode.SUBQUERY_NOT_ALLOWED, "correlated sub-queries are not supported");
      Fields left = visit(correlate.getLeft());
      Fields right = visit(correlate.getRight());
      List<RexNode> both = new ArrayList<>(left.expressions());
      both.addAll(right.expressions());
      return new Fields(both, left.aggregated() || right.aggregated());
    }
    if (rel instanceof Window window) {
      add(ViolationCode.WINDOW_FUNCTION, "window functions are not supported");
      visit(window.getInput());
      return opaque(window);
    }
    if (rel instanceof Sample sample) {
      add(ViolationCode.SAMPLING, "TABLESAMPLE is not allowed");
      return visit(sample.getInput());
    }
    add(
        ViolationCode.UNSUPPORTED_CONSTRUCT,
        "operator " + rel.getRelTypeName() + " is not supported");
    for (RelNode input : rel.getInputs()) {
      visit(input);
    }
    return opaque(rel);
  }

  private Fields scan(TableScan scan) {
    if (scan.getTable().getQualifiedName().size() != 2) {
      // Not a member's table: a recursive CTE's working table, or a table function.
      add(ViolationCode.UNSUPPORTED_CONSTRUCT, "only tables named member.dataset can be read");
      return opaque(scan);
    }
    TableName table = TableName.of(scan.getTable().getQualifiedName());
    DatasetPolicy policy = policies.get(table);
    int index = scans.size();
    scans.add(new Scan(table, scan.getTable(), policy, columns.size(), purpose));
    List<RexNode> expressions = new ArrayList<>();
    for (RelDataTypeField field : scan.getRowType().getFieldList()) {
      String name = field.getName().toLowerCase(Locale.ROOT);
      ColumnPolicy columnPolicy = policy == null ? null : policy.column(name).orElse(null);
      expressions.add(new RexInputRef(columns.size(), field.getType()));
      columns.add(new BaseColumn(index, table, name, columnPolicy, field.getType()));
    }
    return new Fields(expressions, false);
  }

  private Fields join(Join join) {
    Fields left = visit(join.getLeft());
    int leftScans = scans.size();
    Fields right = visit(join.getRight());
    if (join.getJoinType() == JoinRelType.LEFT
        && !left.aggregated()
        && right.aggregated()
        && perPerson == null
        && !nestingRefused) {
      return exposureJoin(join, left, right, leftScans);
    }
    if (join.getJoinType() != JoinRelType.INNER) {
      add(
          ViolationCode.JOIN_TYPE_NOT_ALLOWED,
          join.getJoinType()
              + " join is not allowed: only INNER JOIN ... ON declared join keys, or a LEFT JOIN"
              + " from the unit's own table to a sub-query grouped by the person's key");
    }
    if (left.aggregated() || right.aggregated()) {
      nestingRefused = true;
      add(
          ViolationCode.NESTED_AGGREGATION,
          "joining an aggregated sub-query is not supported: aggregate once, at the top, or"
              + " LEFT JOIN the unit's own table to a per-person sub-query (and filter on its"
              + " values with WHERE)");
    }
    List<RexNode> both = new ArrayList<>(left.expressions());
    both.addAll(right.expressions());
    Fields fields = new Fields(both, left.aggregated() || right.aggregated());
    if (!fields.aggregated()) {
      // An aggregated side's fields are its aggregate's outputs, not base columns: its condition
      // would be read as if it named columns it does not, so only the refusal above is reported.
      joinConditions.add(substitute(join.getCondition(), fields));
    }
    return fields;
  }

  /**
   * {@code unitTable LEFT JOIN (per-person sub-query)}: the sub-query's rows become per-person rows
   * and the join's output reads them at {@code columns.size() + field}, past every base column; the
   * lineage check decides whether the shape is the allowed one.
   */
  private Fields exposureJoin(Join join, Fields left, Fields right, int leftScans) {
    int offset = columns.size();
    perPerson =
        new PerPersonBlock(groupKeys, aggregates, having, lastAggregateTypes)
            .leftJoined(offset, leftScans, filters.size());
    groupKeys.clear();
    aggregates.clear();
    having.clear();
    // The outer block aggregates the joined rows once: the sub-query's aggregate is not nested.
    aggregateSeen = false;
    List<RexNode> both = new ArrayList<>(left.expressions());
    for (RexNode expression : right.expressions()) {
      if (expression instanceof RexInputRef ref) {
        // Past the LEFT JOIN, a per-person field is NULL for the rows it has no match for.
        both.add(
            new RexInputRef(
                ref.getIndex() + offset,
                rexBuilder.getTypeFactory().createTypeWithNullability(ref.getType(), true)));
      } else {
        // A value computed in the sub-query after its aggregate (a literal, n > 3) would not be
        // NULL for the rows the join does not match, as SQL says it is.
        add(
            ViolationCode.JOIN_TYPE_NOT_ALLOWED,
            "the sub-query of a LEFT JOIN must select its key and its aggregates as they are;"
                + " compute on them in the outer query");
        both.add(rexBuilder.makeNullLiteral(expression.getType()));
      }
    }
    Fields fields = new Fields(both, false);
    perPerson = perPerson.withJoinCondition(substitute(join.getCondition(), fields));
    return fields;
  }

  private Fields aggregate(Aggregate aggregate) {
    Fields input = visit(aggregate.getInput());
    if (input.aggregated() && perPerson == null && !nestingRefused) {
      // An aggregate over an aggregated sub-query: the sub-query's rows are per-person rows when
      // it groups by the person (the lineage check decides), and the filters on them are theirs.
      perPerson = new PerPersonBlock(groupKeys, aggregates, having, lastAggregateTypes);
      groupKeys.clear();
      aggregates.clear();
      having.clear();
    } else if (input.aggregated() || aggregateSeen) {
      nestingRefused = true;
      add(
          ViolationCode.NESTED_AGGREGATION,
          perPerson == null
              ? "an aggregate over another aggregate is not supported: aggregate once, at the top"
              : "per-person sub-queries nest one level deep: aggregate per person once, then over"
                  + " the people");
    }
    if (aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
      add(
          ViolationCode.GROUPING_SETS,
          "GROUPING SETS, ROLLUP and CUBE are not supported: ask one query per grouping");
    }
    aggregateSeen = true;
    lastAggregateTypes =
        aggregate.getRowType().getFieldList().stream().map(RelDataTypeField::getType).toList();
    for (int key : aggregate.getGroupSet()) {
      groupKeys.add(input.expressions().get(key));
    }
    for (AggregateCall call : aggregate.getAggCallList()) {
      List<RexNode> arguments = new ArrayList<>();
      for (int argument : call.getArgList()) {
        arguments.add(input.expressions().get(argument));
      }
      boolean hasClause = !call.collation.getFieldCollations().isEmpty();
      if (hasClause && Percentiles.isPercentile(call.getAggregation())) {
        // PERCENTILE_CONT(q) WITHIN GROUP (ORDER BY x): x becomes the first argument, q the second;
        // any other ordering keeps the clause, which the lineage check refuses.
        List<RelFieldCollation> ordering = call.collation.getFieldCollations();
        if (ordering.size() == 1
            && ordering.get(0).getDirection() == RelFieldCollation.Direction.ASCENDING
            && arguments.size() == 1) {
          arguments.add(0, input.expressions().get(ordering.get(0).getFieldIndex()));
          hasClause = false;
        }
      }
      RexNode filter = call.filterArg >= 0 ? input.expressions().get(call.filterArg) : null;
      aggregates.add(
          new AggregateUse(call.getAggregation(), call.isDistinct(), arguments, hasClause, filter));
    }
    List<RexNode> outputs = new ArrayList<>();
    for (RelDataTypeField field : aggregate.getRowType().getFieldList()) {
      outputs.add(new RexInputRef(field.getIndex(), field.getType()));
    }
    return new Fields(outputs, true);
  }

  /** Fields of an operator the policy cannot see through: typed NULLs, so nothing leaks past it. */
  private Fields opaque(RelNode rel) {
    List<RexNode> expressions = new ArrayList<>();
    for (RelDataTypeField field : rel.getRowType().getFieldList()) {
      expressions.add(rexBuilder.makeNullLiteral(field.getType()));
    }
    return new Fields(expressions, false);
  }

  private RexNode substitute(RexNode expression, Fields input) {
    RexNode substituted = substituteInputs(expression, input);
    // Sub-query expressions are shared, not copied, but every later check walks them as trees:
    // a few nested WITH levels that each repeat a column would make that walk exponential.
    // Every input was checked the same way, so the count (cached per node) cannot overflow.
    if (substituted.nodeCount() > MAX_EXPRESSION_NODES) {
      throw new PolicyException(
          PolicyErrorCode.QUERY_TOO_COMPLEX,
          "query too complex: an expression expands to more than "
              + MAX_EXPRESSION_NODES
              + " nodes once sub-queries are inlined");
    }
    return substituted;
  }

  private RexNode substituteInputs(RexNode expression, Fields input) {
    return expression.accept(
        new RexShuttle() {
          @Override
          public RexNode visitInputRef(RexInputRef inputRef) {
            return input.expressions().get(inputRef.getIndex());
          }

          @Override
          public RexNode visitOver(RexOver over) {
            add(ViolationCode.WINDOW_FUNCTION, "window functions (OVER) are not supported");
            return super.visitOver(over);
          }

          @Override
          public RexNode visitSubQuery(RexSubQuery subQuery) {
            add(
                ViolationCode.SUBQUERY_NOT_ALLOWED,
                "sub-queries are allowed only in FROM and WITH");
            return rexBuilder.makeNullLiteral(subQuery.getType());
          }

          @Override
          public RexNode visitCorrelVariable(RexCorrelVariable variable) {
            add(ViolationCode.SUBQUERY_NOT_ALLOWED, "correlated sub-queries are not supported");
            return rexBuilder.makeNullLiteral(variable.getType());
          }

          @Override
          public RexNode visitFieldAccess(RexFieldAccess fieldAccess) {
            add(ViolationCode.UNSUPPORTED_CONSTRUCT, "field access is not supported");
            return rexBuilder.makeNullLiteral(fieldAccess.getType());
          }

          @Override
          public RexNode visitDynamicParam(RexDynamicParam dynamicParam) {
            add(ViolationCode.DYNAMIC_PARAMETER, "dynamic parameters (?) are not allowed");
            return rexBuilder.makeNullLiteral(dynamicParam.getType());
          }
        });
  }

  private void add(ViolationCode code, String message) {
    violations.add(new Violation(code, null, 1, 1, message));
  }
}
