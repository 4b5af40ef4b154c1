package dev.cleanroom.querypolicy.lineage;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.spi.TableName;
import org.apache.calcite.plan.RelOptTable;

/**
 * One table read by a query.
 *
 * @param table the table
 * @param relOptTable Calcite's handle, reused to scan it in the private plan
 * @param policy its approved policy, or {@code null} when it has none (then the query is refused)
 * @param offset index of its first column in the base row
 */
public record Scan(TableName table, RelOptTable relOptTable, DatasetPolicy policy, int offset) {

  public Scan {
    requireNonNull(table, "table is null");
    requireNonNull(relOptTable, "relOptTable is null");
  }

  public int width() {
    return relOptTable.getRowType().getFieldCount();
  }
}
