package dev.cleanroom.querypolicy.lineage;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rex.RexNode;

/**
 * An analyst's query flattened into one block over the base row: every expression it uses is
 * written directly in terms of the scanned tables' columns, whatever aliases, CTEs and sub-queries
 * the SQL went through. Expressions after the aggregate ({@code having}, {@code outputs} when
 * aggregated) refer to the aggregate's output: group keys first, then aggregate calls.
 *
 * @param scans the tables read, in base-row order
 * @param columns the base row
 * @param joinConditions one condition per join, over the base row
 * @param filters {@code WHERE} conditions below the aggregate, over the base row
 * @param aggregated whether the query has an aggregate
 * @param groupKeys group keys over the base row
 * @param aggregates aggregate calls
 * @param having conditions above the aggregate
 * @param outputs output expressions
 * @param outputNames output column names
 * @param order {@code ORDER BY} keys, by output index; an index {@code outputs.size() + i} names
 *     the i-th of {@code sortValues}
 * @param limit {@code LIMIT}, or {@code null}
 * @param sortValues expressions {@code ORDER BY} sorts on that are not outputs (after the aggregate
 *     when aggregated, like the outputs)
 * @param perPerson the inner per-person block of an aggregate over per-person rows, or {@code
 *     null}; when present, {@code groupKeys}, {@code aggregates} and the outer filters are over the
 *     per-person row, and {@code filters} and {@code joinConditions} are the inner block's
 */
public record FlatQuery(
    List<Scan> scans,
    List<BaseColumn> columns,
    List<RexNode> joinConditions,
    List<RexNode> filters,
    boolean aggregated,
    List<RexNode> groupKeys,
    List<AggregateUse> aggregates,
    List<RexNode> having,
    List<RexNode> outputs,
    List<String> outputNames,
    List<RelFieldCollation> order,
    Integer limit,
    List<RexNode> sortValues,
    PerPersonBlock perPerson) {

  /** A query of one block, without per-person rows, whose {@code ORDER BY} names only outputs. */
  public FlatQuery(
      List<Scan> scans,
      List<BaseColumn> columns,
      List<RexNode> joinConditions,
      List<RexNode> filters,
      boolean aggregated,
      List<RexNode> groupKeys,
      List<AggregateUse> aggregates,
      List<RexNode> having,
      List<RexNode> outputs,
      List<String> outputNames,
      List<RelFieldCollation> order,
      Integer limit) {
    this(
        scans,
        columns,
        joinConditions,
        filters,
        aggregated,
        groupKeys,
        aggregates,
        having,
        outputs,
        outputNames,
        order,
        limit,
        List.of(),
        null);
  }

  public FlatQuery {
    scans = List.copyOf(requireNonNull(scans, "scans is null"));
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    joinConditions = List.copyOf(requireNonNull(joinConditions, "joinConditions is null"));
    filters = List.copyOf(requireNonNull(filters, "filters is null"));
    groupKeys = List.copyOf(requireNonNull(groupKeys, "groupKeys is null"));
    aggregates = List.copyOf(requireNonNull(aggregates, "aggregates is null"));
    having = List.copyOf(requireNonNull(having, "having is null"));
    outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    outputNames = List.copyOf(requireNonNull(outputNames, "outputNames is null"));
    order = List.copyOf(requireNonNull(order, "order is null"));
    sortValues = List.copyOf(requireNonNull(sortValues, "sortValues is null"));
    if (outputs.size() != outputNames.size()) {
      throw new IllegalArgumentException(
          outputs.size() + " outputs but " + outputNames.size() + " output names");
    }
  }
}
