package dev.cleanroom.server.dataset;

import dev.cleanroom.server.api.Names;
import dev.cleanroom.server.problem.ServerException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** {@code POST .../datasets}: a dataset's name and columns, before any data exists. */
@Schema(
    description =
        "A dataset's name and columns; types are BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), VARCHAR,"
            + " BOOLEAN, DATE or TIMESTAMP",
    example =
        "{\"name\": \"customers\", \"columns\": [{\"name\": \"customer_id\", \"type\":"
            + " \"BIGINT\"}, {\"name\": \"email_hash\", \"type\": \"VARCHAR\"},"
            + " {\"name\": \"age_band\", \"type\": \"VARCHAR\"}]}")
public record DatasetDeclaration(String name, List<DeclaredColumn> columns) {
  public DatasetDeclaration {
    Names.require("name", name);
    if (columns == null || columns.isEmpty()) {
      throw ServerException.malformed("'columns' must list at least one column");
    }
    columns = List.copyOf(columns);
    Set<String> seen = new HashSet<>();
    for (DeclaredColumn column : columns) {
      if (!seen.add(column.name())) {
        throw ServerException.malformed("column '" + column.name() + "' is declared twice");
      }
    }
  }
}
