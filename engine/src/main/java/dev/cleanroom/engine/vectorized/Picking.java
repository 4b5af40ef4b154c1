package dev.cleanroom.engine.vectorized;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Columns that are rows of another relation's columns (a filter's selection, a join's sides),
 * gathered on first use. A column picked from a column that is itself still only a pick is picked
 * straight from where that one comes from, at the composed row numbers: along a chain of selections
 * and joins each column read at the end is gathered once, and the row numbers, shared by all the
 * columns picked through the same steps, are composed instead.
 */
final class Picking {
  private Picking() {}

  /**
   * Row numbers into another relation, {@code count} of them, computed on first use and then kept;
   * with {@code withNulls}, a -1 reads NULL (the unmatched side of an outer join).
   */
  static final class Rows {
    private final int count;
    private final boolean withNulls;
    private Supplier<int[]> compute;
    private int[] rows;

    private Rows(int count, boolean withNulls, Supplier<int[]> compute) {
      this.count = count;
      this.withNulls = withNulls;
      this.compute = compute;
    }

    static Rows of(int[] rows, int count, boolean withNulls) {
      return new Rows(count, withNulls, () -> rows);
    }

    synchronized int[] get() {
      if (rows == null) {
        rows = compute.get();
        compute = null;
      }
      return rows;
    }

    /** {@code outer} read through {@code inner}: row {@code i} is {@code inner[outer[i]]}. */
    static Rows composed(Rows inner, Rows outer, QueryContext context) {
      return new Rows(
          outer.count,
          inner.withNulls || outer.withNulls,
          () -> {
            int[] first = inner.get();
            int[] second = outer.get();
            int[] rows = context.memory().ints(outer.count);
            context.parallelRanges(
                outer.count,
                (part, from, to) -> {
                  for (int i = from; i < to; i++) {
                    int row = second[i];
                    rows[i] = row < 0 ? -1 : first[row];
                  }
                });
            return rows;
          });
    }
  }

  /** The rows {@code rows[0 .. count)} of {@code input}, its columns gathered on first use. */
  static Relation select(Relation input, int[] rows, int count, QueryContext context) {
    List<Supplier<Column>> columns = new ArrayList<>();
    List<Relation.Pick> picks = new ArrayList<>();
    add(input, Rows.of(rows, count, false), context, columns, picks);
    return new Relation(count, columns, null, picks);
  }

  /**
   * Appends to {@code columns} and {@code picks} every column of {@code input} at {@code rows}. A
   * column of {@code input} that is itself still a pick is picked from its own source at the
   * composed rows, one composition per distinct step it went through.
   */
  static void add(
      Relation input,
      Rows rows,
      QueryContext context,
      List<Supplier<Column>> columns,
      List<Relation.Pick> picks) {
    Map<Rows, Rows> composed = new IdentityHashMap<>();
    for (int field = 0; field < input.columnCount(); field++) {
      Relation.Pick pick = pick(input, field, rows, composed, context);
      columns.add(() -> gather(pick, context));
      picks.add(pick);
    }
  }

  /**
   * Column {@code field} of {@code input} at {@code rows}, from where that column comes if it is
   * still a pick; {@code composed} keeps the compositions made for one set of rows, so that the
   * columns picked through the same steps share them.
   */
  private static Relation.Pick pick(
      Relation input, int field, Rows rows, Map<Rows, Rows> composed, QueryContext context) {
    Relation.Pick inner = input.pendingPick(field);
    return inner == null
        ? new Relation.Pick(input, field, rows)
        : new Relation.Pick(
            inner.base(),
            inner.index(),
            composed.computeIfAbsent(
                inner.rows(), innerRows -> Rows.composed(innerRows, rows, context)));
  }

  /** The column a pick stands for. */
  static Column gather(Relation.Pick pick, QueryContext context) {
    Column source = pick.base().column(pick.index());
    Rows rows = pick.rows();
    return rows.withNulls
        ? Gather.rowsOrNull(source, rows.get(), rows.count, context)
        : Gather.rows(source, rows.get(), rows.count, context);
  }
}
