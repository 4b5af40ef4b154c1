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
 * @param purpose the purpose the query declared, or {@code null}: which purpose's consent column
 *     (if the policy has one) filters the scan besides the opt-out
 */
public record Scan(
    TableName table, RelOptTable relOptTable, DatasetPolicy policy, int offset, String purpose) {

  public Scan {
    requireNonNull(table, "table is null");
    requireNonNull(relOptTable, "relOptTable is null");
  }

  /** A scan of a query that declared no purpose. */
  public Scan(TableName table, RelOptTable relOptTable, DatasetPolicy policy, int offset) {
    this(table, relOptTable, policy, offset, null);
  }

  public int width() {
    return relOptTable.getRowType().getFieldCount();
  }
}
