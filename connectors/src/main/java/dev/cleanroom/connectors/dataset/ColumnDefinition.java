package dev.cleanroom.connectors.dataset;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.spi.ColumnType;
import java.util.regex.Pattern;

/**
 * One declared column. Names are lower-case ASCII identifiers, so SQL never needs quoting and a
 * look-alike name in an upload can be told apart from the declared one.
 */
public record ColumnDefinition(String name, ColumnType type) {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,127}");

  public ColumnDefinition {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
    if (!NAME.matcher(name).matches()) {
      throw new ConnectorException(
          ConnectorErrorCode.INVALID_SCHEMA,
          "column name '"
              + name
              + "' must be lower-case ASCII letters, digits and '_', start with a letter or '_',"
              + " and be at most 128 characters");
    }
  }

  public static ColumnDefinition of(String name, String type) {
    return new ColumnDefinition(name, ArrowTypes.parse(type));
  }
}
