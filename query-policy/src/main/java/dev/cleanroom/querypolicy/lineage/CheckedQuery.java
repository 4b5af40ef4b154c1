package dev.cleanroom.querypolicy.lineage;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.rex.RexNode;

/**
 * A query that passed every lineage rule, in the terms the rewrite needs.
 *
 * @param flat the flattened query
 * @param unitColumn index in the base row of the column that identifies the privacy unit
 * @param keyPairs equi-join pairs on declared keys, as base-row indexes
 * @param filters row filters over the base row (the analyst's {@code WHERE} and the non-key parts
 *     of {@code ON})
 * @param groupKeys group keys over the base row
 * @param measures one per aggregate of the query
 * @param outputs the output columns, in output order
 * @param personColumns per scan, the index in the base row of its column that names the query's
 *     person: the unit column of the person's own table, or a join key linked to it
 * @param perPerson the per-person rows the outer block aggregates, or {@code null}; when present,
 *     {@code groupKeys} and the measures' arguments are over the per-person row
 */
public record CheckedQuery(
    FlatQuery flat,
    int unitColumn,
    List<KeyPair> keyPairs,
    List<RexNode> filters,
    List<RexNode> groupKeys,
    List<Measure> measures,
    List<Output> outputs,
    List<Integer> personColumns,
    PerPersonRows perPerson) {

  /** A query of one block. */
  public CheckedQuery(
      FlatQuery flat,
      int unitColumn,
      List<KeyPair> keyPairs,
      List<RexNode> filters,
      List<RexNode> groupKeys,
      List<Measure> measures,
      List<Output> outputs,
      List<Integer> personColumns) {
    this(flat, unitColumn, keyPairs, filters, groupKeys, measures, outputs, personColumns, null);
  }

  /** Columns {@code left} and {@code right} of the base row are joined by equality. */
  public record KeyPair(int left, int right) {}

  /**
   * One output column: a group key or a measure.
   *
   * @param name the analyst's name for it
   * @param groupKey whether it is a group key ({@code index} into group keys) or a measure ({@code
   *     index} into measures)
   * @param index the group key or measure index
   */
  public record Output(String name, boolean groupKey, int index) {
    public Output {
      requireNonNull(name, "name is null");
    }
  }

  public CheckedQuery {
    requireNonNull(flat, "flat is null");
    keyPairs = List.copyOf(keyPairs);
    filters = List.copyOf(filters);
    groupKeys = List.copyOf(groupKeys);
    measures = List.copyOf(measures);
    outputs = List.copyOf(outputs);
    personColumns = List.copyOf(personColumns);
    if (personColumns.size() != flat.scans().size()) {
      throw new IllegalArgumentException(
          "one person column per scan: " + personColumns.size() + " for " + flat.scans().size());
    }
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("a checked query has at least one output");
    }
  }
}
