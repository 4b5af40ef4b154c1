package dev.cleanroom.server.query;

import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.policy.QueryCatalog.Visible;
import dev.cleanroom.server.policy.QueryCatalog.VisibleTable;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.scaleout.ParquetVersions;
import dev.cleanroom.spi.TableName;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The tables an accepted query reads, each with its dataset at the version the catalog saw and the
 * policy in force: which versions it reads, which datasets it charges, what it leases.
 */
record TablesRead(Map<TableName, VisibleTable> tables) {
  TablesRead {
    tables = Collections.unmodifiableMap(new LinkedHashMap<>(tables));
  }

  /** The visible tables {@code query} reads; 409 when one has no data yet. */
  static TablesRead of(PrivateQuery query, Visible visible) {
    Map<TableName, VisibleTable> tables = new LinkedHashMap<>();
    for (TableName table : query.tablesRead()) {
      VisibleTable visibleTable = visible.tables().get(table);
      if (visibleTable.dataset().currentVersion() == null) {
        throw new ServerException(
            ServerErrorCode.CONFLICT, "table '" + table + "' has no data yet");
      }
      tables.put(table, visibleTable);
    }
    return new TablesRead(tables);
  }

  ReadVersions versions() {
    Map<String, Integer> data = new TreeMap<>();
    Map<String, Integer> policies = new TreeMap<>();
    tables.forEach(
        (table, visible) -> {
          data.put(table.toString(), visible.dataset().currentVersion());
          policies.put(table.toString(), visible.dataset().currentPolicyVersion());
        });
    return new ReadVersions(data, policies);
  }

  /** Each dataset read with the policy in force, as the budget charges them. */
  Map<Dataset, DatasetPolicy> policies() {
    Map<Dataset, DatasetPolicy> policies = new LinkedHashMap<>();
    tables.values().forEach(visible -> policies.put(visible.dataset(), visible.policy()));
    return policies;
  }

  /**
   * Whether a version read was marked for the scale-out engine when it was stored (what {@code
   * auto} decides by; never an exact size, never a sum over tables).
   */
  boolean readsMarkedVersion() {
    return tables.values().stream().anyMatch(visible -> visible.dataset().currentVersionScaleOut());
  }

  /**
   * Each version's encrypted Parquet form, for the scale-out engine; nothing is decrypted in the
   * server.
   *
   * @throws ServerException {@code ENGINE_UNAVAILABLE} when a version has no complete Parquet form
   */
  Map<TableName, ParquetVersion> locate(ParquetVersions parquet) {
    Map<TableName, ParquetVersion> located = new LinkedHashMap<>();
    tables.forEach(
        (table, visible) -> {
          Dataset dataset = visible.dataset();
          String location =
              parquet
                  .location(dataset.storageId(), dataset.currentVersion())
                  .orElseThrow(
                      () ->
                          new ServerException(
                              ServerErrorCode.ENGINE_UNAVAILABLE,
                              "table '"
                                  + table
                                  + "' has no Parquet form for the Spark engine yet; nothing was"
                                  + " charged"));
          located.put(table, new ParquetVersion(dataset.schema().arrowSchema(), location));
        });
    return located;
  }

  /** The version of each table to lease, with the columns worth preparing when it is loaded. */
  Map<TableName, LoadedVersions.Wanted> versionsToLease() {
    Map<TableName, LoadedVersions.Wanted> wanted = new LinkedHashMap<>();
    tables.forEach(
        (table, visible) ->
            wanted.put(
                table,
                new LoadedVersions.Wanted(
                    visible.dataset().storageId(),
                    visible.dataset().currentVersion(),
                    usableColumns(visible.policy()))));
    return wanted;
  }

  /**
   * The columns an analyst may use in some way, whose string encodings are worth computing when a
   * version is loaded; personal data is never read by a query.
   */
  static Set<String> usableColumns(DatasetPolicy policy) {
    return policy.columns().stream()
        .filter(column -> column.columnClass() != ColumnClass.PII)
        .map(ColumnPolicy::name)
        .collect(Collectors.toSet());
  }
}
