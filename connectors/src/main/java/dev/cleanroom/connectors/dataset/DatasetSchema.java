package dev.cleanroom.connectors.dataset;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** The ordered, declared columns of a dataset; names are unique. */
public record DatasetSchema(List<ColumnDefinition> columns) {
  public DatasetSchema {
    requireNonNull(columns, "columns is null");
    columns = List.copyOf(columns);
    if (columns.isEmpty()) {
      throw new ConnectorException(
          ConnectorErrorCode.INVALID_SCHEMA, "a dataset declares at least one column");
    }
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < columns.size(); i++) {
      Integer previous = seen.put(columns.get(i).name(), i);
      if (previous != null) {
        throw new ConnectorException(
            ConnectorErrorCode.DUPLICATE_COLUMN,
            "column '" + columns.get(i).name() + "' is declared twice");
      }
    }
  }

  public static DatasetSchema of(ColumnDefinition... columns) {
    return new DatasetSchema(List.of(columns));
  }

  public int size() {
    return columns.size();
  }

  public ColumnDefinition column(int index) {
    return columns.get(index);
  }

  /** The position of the named column, or empty if it is not declared. */
  public Optional<Integer> indexOf(String name) {
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).name().equals(name)) {
        return Optional.of(i);
      }
    }
    return Optional.empty();
  }

  /** The position of a declared column; fails with {@code INVALID_RULES} if it is not declared. */
  public int requireIndex(String name) {
    return indexOf(name)
        .orElseThrow(
            () ->
                new ConnectorException(
                    ConnectorErrorCode.INVALID_RULES, "column '" + name + "' is not declared"));
  }

  public List<String> names() {
    return columns.stream().map(ColumnDefinition::name).toList();
  }

  /**
   * The declaration a stored Arrow schema was written from; fails with {@code TYPE_MISMATCH} if a
   * field has a type outside the mapping.
   */
  public static DatasetSchema fromArrow(Schema schema) {
    List<ColumnDefinition> columns = new ArrayList<>();
    for (Field field : schema.getFields()) {
      columns.add(new ColumnDefinition(field.getName(), ArrowTypes.columnType(field.getType())));
    }
    return new DatasetSchema(columns);
  }

  /** The Arrow schema of stored data: every column nullable, as the non-null rule is checked. */
  public Schema arrowSchema() {
    List<Field> fields = new ArrayList<>(columns.size());
    for (ColumnDefinition column : columns) {
      fields.add(
          new Field(column.name(), FieldType.nullable(ArrowTypes.of(column.type())), List.of()));
    }
    return new Schema(fields);
  }
}
