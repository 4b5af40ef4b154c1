package dev.cleanroom.querypolicy.lineage;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.spi.TableName;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A column of a scanned table, at its index in the query's base row (every scan's columns side by
 * side, in scan order).
 *
 * @param scan index of the scan in {@link FlatQuery#scans()}
 * @param table the table
 * @param name the column name as the table declares it
 * @param policy the column's class, or {@code null} when the policy does not classify it
 * @param type the column's type
 */
public record BaseColumn(
    int scan, TableName table, String name, ColumnPolicy policy, RelDataType type) {

  public BaseColumn {
    requireNonNull(table, "table is null");
    requireNonNull(name, "name is null");
    requireNonNull(type, "type is null");
  }

  public String qualifiedName() {
    return table.qualify(name);
  }
}
