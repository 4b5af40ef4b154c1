package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.List;
import java.util.function.Supplier;

/**
 * An intermediate result: a row count and columns that are materialised on first use, so columns no
 * operator above reads are never decoded or gathered.
 */
final class Relation {
  private final int rowCount;
  private final List<Supplier<Column>> suppliers;
  private final Column[] columns;
  private final List<RowSelector> selectors;
  private final List<Pick> picks;

  Relation(int rowCount, List<Supplier<Column>> suppliers) {
    this(rowCount, suppliers, null);
  }

  /**
   * A relation some of whose BOOLEAN columns can also select their rows without being decoded:
   * {@code selectors} has one entry per column, {@code null} where there is none.
   */
  Relation(int rowCount, List<Supplier<Column>> suppliers, List<RowSelector> selectors) {
    this(rowCount, suppliers, selectors, null);
  }

  /**
   * A relation some of whose columns are rows of another relation's columns: {@code picks} has one
   * entry per column, {@code null} where the column is computed (see {@link Picking}).
   */
  Relation(
      int rowCount,
      List<Supplier<Column>> suppliers,
      List<RowSelector> selectors,
      List<Pick> picks) {
    if (rowCount < 0) {
      throw new IllegalArgumentException("rowCount must be >= 0, was " + rowCount);
    }
    this.rowCount = rowCount;
    this.suppliers = List.copyOf(requireNonNull(suppliers, "suppliers is null"));
    this.columns = new Column[this.suppliers.size()];
    this.selectors = selectors;
    if (selectors != null && selectors.size() != this.suppliers.size()) {
      throw new IllegalArgumentException("one selector per column, or none");
    }
    this.picks = picks == null ? null : Collections.unmodifiableList(picks);
    if (picks != null && picks.size() != this.suppliers.size()) {
      throw new IllegalArgumentException("one pick per column, or none");
    }
  }

  /**
   * Which rows of which other relation's column column {@code index} is, while it has not been
   * gathered: then a selection of this relation can gather straight from there. {@code null} for a
   * computed column and once the column has been gathered (gathering from it is then as cheap).
   */
  Pick pendingPick(int index) {
    if (picks == null) {
      return null;
    }
    synchronized (columns) {
      return columns[index] == null ? picks.get(index) : null;
    }
  }

  /** The selector of BOOLEAN column {@code index}, or {@code null}: then decode the column. */
  RowSelector selector(int index) {
    return selectors == null ? null : selectors.get(index);
  }

  int rowCount() {
    return rowCount;
  }

  int columnCount() {
    return columns.length;
  }

  Column column(int index) {
    synchronized (columns) {
      Column column = columns[index];
      if (column == null) {
        column = requireNonNull(suppliers.get(index).get(), "column supplier returned null");
        columns[index] = column;
      }
      return column;
    }
  }

  /** Column {@code index} of {@code base} at the rows {@code rows} gives. */
  record Pick(Relation base, int index, Picking.Rows rows) {}

  /** Selects the rows of a BOOLEAN column straight from its stored form. */
  @FunctionalInterface
  interface RowSelector {
    /**
     * Writes, in row order, the rows whose value is {@code wanted} (never NULL ones) into {@code
     * selected}, and returns how many.
     */
    int select(boolean wanted, int[] selected, QueryContext context);
  }
}
