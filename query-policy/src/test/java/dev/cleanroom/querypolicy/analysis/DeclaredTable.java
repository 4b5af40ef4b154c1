package dev.cleanroom.querypolicy.analysis;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.policy.ColumnType;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;
import org.apache.calcite.sql.type.SqlTypeName;

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

  private static final Map<String, SqlTypeName> SIMPLE_TYPES =
      Map.of(
          "BIGINT", SqlTypeName.BIGINT,
          "INTEGER", SqlTypeName.INTEGER,
          "DOUBLE", SqlTypeName.DOUBLE,
          "VARCHAR", SqlTypeName.VARCHAR,
          "BOOLEAN", SqlTypeName.BOOLEAN,
          "DATE", SqlTypeName.DATE);

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
      builder.add(column.name(), sqlType(typeFactory, column.type())).nullable(true);
    }
    return builder.build();
  }

  private static RelDataType sqlType(RelDataTypeFactory typeFactory, ColumnType type) {
    String name = type.name();
    if (name.equals("TIMESTAMP")) {
      return typeFactory.createSqlType(SqlTypeName.TIMESTAMP, 3);
    }
    if (name.startsWith("DECIMAL(")) {
      String[] parts = name.substring(8, name.length() - 1).split(",");
      return typeFactory.createSqlType(
          SqlTypeName.DECIMAL, Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
    }
    return typeFactory.createSqlType(SIMPLE_TYPES.get(name));
  }
}
