package dev.cleanroom.querypolicy.analysis;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.ColumnType;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A table as the analyzer sees it in the server's catalog: declared columns, every one nullable,
 * and no rows (analysis reads none; an engine gets the data by table name).
 */
public final class DeclaredTable extends AbstractTable {

  /** One declared column. */
  public record Column(String name, ColumnType type) {
    public Column {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
    }
  }

  private final List<Column> columns;

  public DeclaredTable(List<Column> columns) {
    this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
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
}
