package dev.cleanroom.server.policy;

import dev.cleanroom.server.dataset.DeclaredColumn;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A dataset as the analyzer sees it: its declared row type and nothing else. Analysis needs no
 * data; the engine receives the data separately, by table name.
 */
final class DeclaredTable extends AbstractTable {
  private final List<DeclaredColumn> columns;

  DeclaredTable(List<DeclaredColumn> columns) {
    this.columns = List.copyOf(columns);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (DeclaredColumn column : columns) {
      builder.add(column.name(), column.columnType().relDataType(typeFactory));
    }
    return builder.build();
  }
}
