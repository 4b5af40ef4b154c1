package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.TableName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a query's load phase leased: one loaded version per table it reads, as the engines read
 * them. Valid until closed, which lets go of every lease.
 */
final class LeasedTables implements AutoCloseable {
  private final Map<TableName, LoadedTableData> tables;
  private final List<LoadedVersions.Lease> leases;

  LeasedTables(Map<TableName, LoadedVersions.Lease> leases) {
    Map<TableName, LoadedTableData> tables = new LinkedHashMap<>();
    requireNonNull(leases, "leases is null")
        .forEach((table, lease) -> tables.put(table, lease.table()));
    this.tables = Collections.unmodifiableMap(tables);
    this.leases = List.copyOf(leases.values());
  }

  /** The loaded version of each table, by the name the plan scans it by. */
  Map<TableName, LoadedTableData> tables() {
    return tables;
  }

  @Override
  public void close() {
    leases.forEach(LoadedVersions.Lease::close);
  }
}
