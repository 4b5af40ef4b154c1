package dev.cleanroom.engine.vectorized;

import static java.util.Objects.requireNonNull;

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

  Relation(int rowCount, List<Supplier<Column>> suppliers) {
    if (rowCount < 0) {
      throw new IllegalArgumentException("rowCount must be >= 0, was " + rowCount);
    }
    this.rowCount = rowCount;
    this.suppliers = List.copyOf(requireNonNull(suppliers, "suppliers is null"));
    this.columns = new Column[this.suppliers.size()];
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
}
