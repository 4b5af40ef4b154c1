package dev.cleanroom.server.dataset;

import dev.cleanroom.server.api.Names;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.spi.ColumnType;

/**
 * One column of a dataset declaration; {@code type} is a {@link ColumnType} in its normal form
 * (upper case, no spaces), as the API shows it and the metadata store keeps it.
 */
public record DeclaredColumn(String name, String type) {
  public DeclaredColumn {
    Names.require("columns.name", name);
    if (type == null) {
      throw ServerException.malformed("column '" + name + "' has no 'type'");
    }
    try {
      type = ColumnType.parse(type).toString();
    } catch (IllegalArgumentException e) {
      throw ServerException.malformed(
          "column '" + name + "' has an unsupported type; use " + ColumnType.SPELLINGS);
    }
  }

  /** The declared type. */
  public ColumnType columnType() {
    return ColumnType.parse(type);
  }
}
