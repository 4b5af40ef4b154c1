package dev.cleanroom.server.dataset;

import dev.cleanroom.server.api.Names;
import dev.cleanroom.server.problem.ServerException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** {@code POST .../datasets}: a dataset's name and columns, before any data exists. */
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
