package dev.cleanroom.querypolicy.lineage;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;

/**
 * The inner block of an aggregate over an aggregated sub-query: its group keys and aggregate calls
 * over the base row, and the filters on its rows. Its rows (the per-person row: group keys first,
 * then aggregate calls, as Calcite lays out an aggregate's output) are what the outer block reads.
 *
 * @param groupKeys the inner group keys over the base row
 * @param aggregates the inner aggregate calls over the base row
 * @param filters conditions on the per-person row: the inner {@code HAVING} and the outer {@code
 *     WHERE}, which read the same row
 * @param types the per-person row's field types, as the analyst's plan has them
 */
public record PerPersonBlock(
    List<RexNode> groupKeys,
    List<AggregateUse> aggregates,
    List<RexNode> filters,
    List<RelDataType> types) {

  public PerPersonBlock {
    groupKeys = List.copyOf(requireNonNull(groupKeys, "groupKeys is null"));
    aggregates = List.copyOf(requireNonNull(aggregates, "aggregates is null"));
    filters = List.copyOf(requireNonNull(filters, "filters is null"));
    types = List.copyOf(requireNonNull(types, "types is null"));
  }

  /** Fields of the per-person row. */
  public int width() {
    return groupKeys.size() + aggregates.size();
  }
}
