package dev.cleanroom.connectors.calcite;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.ColumnType;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/** The declared-type to Calcite SQL type mapping of docs/ARCHITECTURE.md; every column nullable. */
public final class CalciteTypes {
  /** TIMESTAMP columns are exposed with millisecond precision. */
  public static final int TIMESTAMP_PRECISION = 3;

  private CalciteTypes() {}

  public static RelDataType sqlType(ColumnType type, RelDataTypeFactory typeFactory) {
    RelDataType sqlType =
        switch (type.kind()) {
          case BIGINT -> typeFactory.createSqlType(SqlTypeName.BIGINT);
          case INTEGER -> typeFactory.createSqlType(SqlTypeName.INTEGER);
          case DOUBLE -> typeFactory.createSqlType(SqlTypeName.DOUBLE);
          case DECIMAL ->
              typeFactory.createSqlType(SqlTypeName.DECIMAL, type.precision(), type.scale());
          case VARCHAR -> typeFactory.createSqlType(SqlTypeName.VARCHAR);
          case BOOLEAN -> typeFactory.createSqlType(SqlTypeName.BOOLEAN);
          case DATE -> typeFactory.createSqlType(SqlTypeName.DATE);
          case TIMESTAMP -> typeFactory.createSqlType(SqlTypeName.TIMESTAMP, TIMESTAMP_PRECISION);
        };
    return typeFactory.createTypeWithNullability(sqlType, true);
  }

  public static RelDataType rowType(DatasetSchema schema, RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (ColumnDefinition column : schema.columns()) {
      builder.add(column.name(), sqlType(column.type(), typeFactory));
    }
    return builder.build();
  }
}
