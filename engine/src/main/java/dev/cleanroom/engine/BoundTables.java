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
  public static ArrowTableData of(Map<TableName, ? extends TableData> tables, TableScan scan) {
    return of(tables, scan, ArrowTableData.class);
  }

  /**
   * The data bound to {@code scan}'s table, in the form {@code form} an engine reads.
   *
   * @throws ExecutionException {@link ExecutionErrorCode#TABLE_NOT_FOUND} when none is, or the one
   *     bound is in another form
   */
  public static <T extends TableData> T of(
      Map<TableName, ? extends TableData> tables, TableScan scan, Class<T> form) {
    List<String> path = scan.getTable().getQualifiedName();
    TableData table = null;
    if (path.size() >= 2) {
      table = tables.get(TableName.of(path.subList(path.size() - 2, path.size())));
    }
    if (table != null && !form.isInstance(table)) {
      throw new ExecutionException(
          ExecutionErrorCode.TABLE_NOT_FOUND,
          "table '" + String.join(".", path) + "' was not supplied to the engine in its form");
    }
    if (table == null) {
      throw new ExecutionException(
          ExecutionErrorCode.TABLE_NOT_FOUND,
          "table '" + String.join(".", path) + "' was not supplied to the engine");
    }
    return form.cast(table);
  }
}
