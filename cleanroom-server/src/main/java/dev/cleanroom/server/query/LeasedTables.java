package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.TableData;
import dev.cleanroom.spi.TableName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a query's load phase gave its engine: one version per table it reads, in the form the engine
 * reads: loaded and leased (the in-process engines), or located in the shared Parquet storage (the
 * scale-out engine, which holds nothing in the server). Valid until closed, which lets go of every
 * lease.
 */
final class LeasedTables implements AutoCloseable {
  private final Map<TableName, TableData> tables;
  private final List<LoadedVersions.Lease> leases;

  LeasedTables(Map<TableName, LoadedVersions.Lease> leases) {
    Map<TableName, TableData> tables = new LinkedHashMap<>();
    requireNonNull(leases, "leases is null")
        .forEach((table, lease) -> tables.put(table, lease.table()));
    this.tables = Collections.unmodifiableMap(tables);
    this.leases = List.copyOf(leases.values());
  }

  private LeasedTables(Map<TableName, TableData> tables, List<LoadedVersions.Lease> leases) {
    this.tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
    this.leases = List.copyOf(leases);
  }

  /** Versions left in the shared Parquet storage: nothing to let go of. */
  static LeasedTables located(Map<TableName, ParquetVersion> located) {
    return new LeasedTables(
        new LinkedHashMap<TableName, TableData>(requireNonNull(located, "located is null")),
        List.of());
  }

  /** The version of each table, by the name the plan scans it by. */
  Map<TableName, TableData> tables() {
    return tables;
  }

  @Override
  public void close() {
    leases.forEach(LoadedVersions.Lease::close);
  }
}
