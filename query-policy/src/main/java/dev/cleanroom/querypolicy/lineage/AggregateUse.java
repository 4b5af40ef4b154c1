package dev.cleanroom.querypolicy.lineage;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlAggFunction;

/**
 * One aggregate call of the analyst's query, its arguments expressed over the base row.
 *
 * @param function the aggregate function
 * @param distinct whether it is {@code DISTINCT}
 * @param arguments argument expressions over the base row
 * @param hasClause whether it has a {@code WITHIN GROUP} clause
 * @param filter the condition of its {@code FILTER (WHERE ...)} clause over the base row, or {@code
 *     null}
 */
public record AggregateUse(
    SqlAggFunction function,
    boolean distinct,
    List<RexNode> arguments,
    boolean hasClause,
    RexNode filter) {

  public AggregateUse {
    requireNonNull(function, "function is null");
    arguments = List.copyOf(requireNonNull(arguments, "arguments is null"));
  }
}
