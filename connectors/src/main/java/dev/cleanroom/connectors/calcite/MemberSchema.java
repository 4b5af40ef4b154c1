package dev.cleanroom.connectors.calcite;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.dataset.LoadedDataset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.calcite.schema.Table;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * One member's datasets as a Calcite schema, so SQL names them {@code <member>.<dataset>}; the
 * server adds one per visible member to a query's root schema.
 */
public final class MemberSchema extends AbstractSchema {
  private final Map<String, Table> tables;

  /** Tables named by dataset name; the datasets must stay open while queries run. */
  public MemberSchema(Map<String, LoadedDataset> datasets) {
    requireNonNull(datasets, "datasets is null");
    Map<String, Table> tables = new LinkedHashMap<>();
    datasets.forEach((name, dataset) -> tables.put(name, new ArrowTable(dataset)));
    this.tables = Map.copyOf(tables);
  }

  @Override
  protected Map<String, Table> getTableMap() {
    return tables;
  }
}
