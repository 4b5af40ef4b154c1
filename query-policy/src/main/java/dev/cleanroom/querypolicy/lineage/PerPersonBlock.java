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
 * @param leftJoin how the outer block reaches the per-person rows when it LEFT JOINs them to a
 *     table, or {@code null} when it aggregates them directly
 */
public record PerPersonBlock(
    List<RexNode> groupKeys,
    List<AggregateUse> aggregates,
    List<RexNode> filters,
    List<RelDataType> types,
    LeftJoin leftJoin) {

  /**
   * {@code table LEFT JOIN (per-person sub-query) ON condition}. The outer block's expressions read
   * the table's base columns by their base index and per-person field {@code i} at {@code offset +
   * i}.
   *
   * @param offset where the per-person fields start in the outer block's expressions
   * @param leftScans how many of the scans are on the left of the join (the rest are the
   *     sub-query's)
   * @param outerFiltersFrom how many of the flattened filters precede the join (the rest are the
   *     outer block's)
   * @param condition the join condition, in the outer block's terms
   * @param outerFilters the outer block's {@code WHERE}, in the outer block's terms
   */
  public record LeftJoin(
      int offset,
      int leftScans,
      int outerFiltersFrom,
      RexNode condition,
      List<RexNode> outerFilters) {
    public LeftJoin {
      outerFilters = List.copyOf(requireNonNull(outerFilters, "outerFilters is null"));
    }
  }

  public PerPersonBlock {
    groupKeys = List.copyOf(requireNonNull(groupKeys, "groupKeys is null"));
    aggregates = List.copyOf(requireNonNull(aggregates, "aggregates is null"));
    filters = List.copyOf(requireNonNull(filters, "filters is null"));
    types = List.copyOf(requireNonNull(types, "types is null"));
  }

  /** A block the outer block aggregates directly. */
  public PerPersonBlock(
      List<RexNode> groupKeys,
      List<AggregateUse> aggregates,
      List<RexNode> filters,
      List<RelDataType> types) {
    this(groupKeys, aggregates, filters, types, null);
  }

  /** Fields of the per-person row. */
  public int width() {
    return groupKeys.size() + aggregates.size();
  }

  PerPersonBlock leftJoined(int offset, int leftScans, int outerFiltersFrom) {
    return new PerPersonBlock(
        groupKeys,
        aggregates,
        filters,
        types,
        new LeftJoin(offset, leftScans, outerFiltersFrom, null, List.of()));
  }

  PerPersonBlock withJoinCondition(RexNode condition) {
    return new PerPersonBlock(
        groupKeys,
        aggregates,
        filters,
        types,
        new LeftJoin(
            leftJoin.offset(),
            leftJoin.leftScans(),
            leftJoin.outerFiltersFrom(),
            condition,
            List.of()));
  }

  PerPersonBlock withOuterFilters(List<RexNode> outerFilters) {
    return new PerPersonBlock(
        groupKeys,
        aggregates,
        filters,
        types,
        new LeftJoin(
            leftJoin.offset(),
            leftJoin.leftScans(),
            leftJoin.outerFiltersFrom(),
            leftJoin.condition(),
            outerFilters));
  }
}
