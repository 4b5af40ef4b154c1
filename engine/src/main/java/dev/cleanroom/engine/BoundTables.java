package dev.cleanroom.engine;

import dev.cleanroom.spi.TableName;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.core.TableScan;

/** How every engine finds the data a scan reads: by the scan's last two name parts. */
public final class BoundTables {
  private BoundTables() {}

  /**
   * The data bound to {@code scan}'s table.
   *
   * @throws ExecutionException {@link ExecutionErrorCode#TABLE_NOT_FOUND} when none is
   */
  public static ArrowTableData of(Map<TableName, ? extends ArrowTableData> tables, TableScan scan) {
    List<String> path = scan.getTable().getQualifiedName();
    ArrowTableData table = null;
    if (path.size() >= 2) {
      table = tables.get(TableName.of(path.subList(path.size() - 2, path.size())));
    }
    if (table == null) {
      throw new ExecutionException(
          ExecutionErrorCode.TABLE_NOT_FOUND,
          "table '" + String.join(".", path) + "' was not supplied to the engine");
    }
    return table;
  }
}
