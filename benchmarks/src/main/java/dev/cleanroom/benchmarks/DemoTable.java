package dev.cleanroom.benchmarks;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.ArrowTableData;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A demo table held as Arrow batches, with the Calcite row type the planner needs (the storage
 * module's Arrow tables take this place in the server).
 */
final class DemoTable extends AbstractTable implements ArrowTableData {
  /** A column and its Calcite type. */
  record ColumnType(String name, SqlTypeName type) {}

  private final List<ColumnType> columns;
  private final Schema schema;
  private final List<VectorSchemaRoot> batches;

  DemoTable(List<ColumnType> columns, Schema schema, List<VectorSchemaRoot> batches) {
    this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
    this.schema = requireNonNull(schema, "schema is null");
    this.batches = List.copyOf(requireNonNull(batches, "batches is null"));
  }

  @Override
  public Schema schema() {
    return schema;
  }

  @Override
  public List<VectorSchemaRoot> batches() {
    return batches;
  }

  long rowCount() {
    long rows = 0;
    for (VectorSchemaRoot batch : batches) {
      rows += batch.getRowCount();
    }
    return rows;
  }

  void close() {
    batches.forEach(VectorSchemaRoot::close);
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (ColumnType column : columns) {
      RelDataType type =
          column.type() == SqlTypeName.TIMESTAMP
              ? typeFactory.createSqlType(SqlTypeName.TIMESTAMP, 3)
              : typeFactory.createSqlType(column.type());
      boolean nullable = !column.name().equals("customer_id");
      builder.add(column.name(), typeFactory.createTypeWithNullability(type, nullable));
    }
    return builder.build();
  }
}
