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
 * @param having {@code HAVING} conditions, over the aggregate's row (group keys, then one field per
 *     aggregate of {@code flat}), applied to released values
 * @param sortValues values {@code ORDER BY} sorts on that are not outputs, over the aggregate's row
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
    List<RexNode> having,
    List<RexNode> sortValues,
    PerPersonRows perPerson) {

  /** A query of one block without {@code HAVING} whose {@code ORDER BY} names only outputs. */
  public CheckedQuery(
      FlatQuery flat,
      int unitColumn,
      List<KeyPair> keyPairs,
      List<RexNode> filters,
      List<RexNode> groupKeys,
      List<Measure> measures,
      List<Output> outputs,
      List<Integer> personColumns) {
    this(
        flat,
        unitColumn,
        keyPairs,
        filters,
        groupKeys,
        measures,
        outputs,
        personColumns,
        List.of(),
        List.of(),
        null);
  }

  /** Columns {@code left} and {@code right} of the base row are joined by equality. */
  public record KeyPair(int left, int right) {}

  /**
   * One output column: a group key, a measure, or a value derived from measures after noise.
   *
   * @param name the analyst's name for it
   * @param groupKey whether it is a group key ({@code index} into group keys) or a measure ({@code
   *     index} into measures)
   * @param index the group key or measure index; {@code -1} for a derived output
   * @param derived for a derived output, its expression over the aggregate's row (group keys, then
   *     one field per aggregate); {@code null} otherwise
   */
  public record Output(String name, boolean groupKey, int index, RexNode derived) {
    public Output {
      requireNonNull(name, "name is null");
      if ((derived == null) == (index < 0)) {
        throw new IllegalArgumentException(
            "output '" + name + "' is either derived or a group key or measure");
      }
    }

    /** A group key or a measure. */
    public Output(String name, boolean groupKey, int index) {
      this(name, groupKey, index, null);
    }

    /** A value derived from the query's aggregates. */
    public static Output derived(String name, RexNode expression) {
      return new Output(name, false, -1, requireNonNull(expression, "expression is null"));
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
    having = List.copyOf(having);
    sortValues = List.copyOf(sortValues);
    if (personColumns.size() != flat.scans().size()) {
      throw new IllegalArgumentException(
          "one person column per scan: " + personColumns.size() + " for " + flat.scans().size());
    }
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("a checked query has at least one output");
    }
  }
}
