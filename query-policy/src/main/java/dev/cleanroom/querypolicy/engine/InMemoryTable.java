package dev.cleanroom.querypolicy.engine;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.ColumnType;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScannableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A small Calcite table over rows held in memory, typed by the declared column types; for tests,
 * examples and policy dry-runs. Row values follow docs/ARCHITECTURE.md's type mapping.
 */
public final class InMemoryTable extends AbstractTable implements ScannableTable {

  /** One declared column. */
  public record Column(String name, ColumnType type) {
    public Column {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
    }
  }

  private final List<Column> columns;
  private final List<Object[]> rows;

  public InMemoryTable(List<Column> columns, List<Object[]> rows) {
    this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
    List<Object[]> copy = new ArrayList<>();
    for (Object[] row : requireNonNull(rows, "rows is null")) {
      if (row.length != columns.size()) {
        throw new IllegalArgumentException(
            "a row has " + row.length + " values for " + columns.size() + " columns");
      }
      copy.add(row.clone());
    }
    this.rows = List.copyOf(copy);
  }

  public List<Column> columns() {
    return columns;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (Column column : columns) {
      builder.add(column.name(), column.type().relDataType(typeFactory));
    }
    return builder.build();
  }

  @Override
  public Enumerable<Object[]> scan(DataContext root) {
    List<Object[]> copies = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      copies.add(row.clone());
    }
    return Linq4j.asEnumerable(copies);
  }
}
