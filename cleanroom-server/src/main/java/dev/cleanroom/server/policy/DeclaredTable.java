package dev.cleanroom.server.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.calcite.CalciteTypes;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A dataset as the analyzer sees it: its declared row type and nothing else. Analysis needs no
 * data; the engine receives the data separately, by table name.
 */
final class DeclaredTable extends AbstractTable {
  private final DatasetSchema schema;

  DeclaredTable(DatasetSchema schema) {
    this.schema = requireNonNull(schema, "schema is null");
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    return CalciteTypes.rowType(schema, typeFactory);
  }
}
