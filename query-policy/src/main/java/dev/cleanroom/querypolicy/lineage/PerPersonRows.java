package dev.cleanroom.querypolicy.lineage;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;

/**
 * The checked inner block of a per-person query: the rewrite aggregates the base rows by these keys
 * and the query's unit, so that each row is one person's, and keeps the rows that pass the filters.
 * The per-person row is the keys, then the aggregates, then the unit (last, at {@link
 * #unitField()}), which the outer block never reads.
 *
 * @param groupKeys the inner group keys over the base row, in the analyst's per-person row order
 * @param aggregates the inner aggregates, in the per-person row order after the keys
 * @param filters conditions on the per-person row (the person's own values only)
 * @param types the per-person row's field types (without the unit), which the outer block's
 *     expressions expect
 * @param leftJoin how the unit's own table is LEFT JOINed to these rows, or {@code null} when the
 *     outer block aggregates them directly
 */
public record PerPersonRows(
    List<RexNode> groupKeys,
    List<Aggregate> aggregates,
    List<RexNode> filters,
    List<RelDataType> types,
    LeftJoin leftJoin) {

  /**
   * {@code unitTable LEFT JOIN (per-person rows) ON unitTable.key = person key}: each row of the
   * unit's table meets at most one per-person row, so the person stays the unit table's.
   *
   * @param offset where per-person field {@code i} is read in the outer block, at {@code offset +
   *     i}; below it the outer block reads the unit table's base columns
   * @param tableKey the base index of the unit table's join column
   * @param outerFilters the outer block's {@code WHERE}, on the joined row (outer block's terms)
   */
  public record LeftJoin(int offset, int tableKey, List<RexNode> outerFilters) {
    public LeftJoin {
      outerFilters = List.copyOf(requireNonNull(outerFilters, "outerFilters is null"));
    }
  }

  /** Per-person rows the outer block aggregates directly. */
  public PerPersonRows(
      List<RexNode> groupKeys,
      List<Aggregate> aggregates,
      List<RexNode> filters,
      List<RelDataType> types) {
    this(groupKeys, aggregates, filters, types, null);
  }

  /** One per-person aggregate: what the rewrite computes per person and inner group. */
  public record Aggregate(Kind kind, RexNode argument) {
    public Aggregate {
      requireNonNull(kind, "kind is null");
      if ((kind == Kind.COUNT_ROWS) != (argument == null)) {
        throw new IllegalArgumentException(kind + " per-person aggregate with a wrong argument");
      }
    }
  }

  /** What a per-person aggregate computes. */
  public enum Kind {
    /** {@code COUNT(*)}. */
    COUNT_ROWS,
    /** {@code COUNT(x)}. */
    COUNT_VALUES,
    /** {@code COUNT(DISTINCT x)}. */
    COUNT_DISTINCT,
    /** {@code SUM(x)}, computed in DOUBLE and saturated to the type's range for integers. */
    SUM,
    /** {@code MIN(x)}. */
    MIN,
    /** {@code MAX(x)}. */
    MAX
  }

  public PerPersonRows {
    groupKeys = List.copyOf(requireNonNull(groupKeys, "groupKeys is null"));
    aggregates = List.copyOf(requireNonNull(aggregates, "aggregates is null"));
    filters = List.copyOf(requireNonNull(filters, "filters is null"));
    types = List.copyOf(requireNonNull(types, "types is null"));
    if (types.size() != groupKeys.size() + aggregates.size()) {
      throw new IllegalArgumentException(
          types.size() + " types for " + (groupKeys.size() + aggregates.size()) + " fields");
    }
  }

  /** The field of the per-person row that holds the query's unit. */
  public int unitField() {
    return groupKeys.size() + aggregates.size();
  }
}
