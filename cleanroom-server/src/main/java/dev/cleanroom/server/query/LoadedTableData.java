package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.engine.ArrowTableData;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** A loaded dataset version as the executor reads it. */
record LoadedTableData(LoadedDataset dataset) implements ArrowTableData {
  LoadedTableData {
    requireNonNull(dataset, "dataset is null");
  }

  @Override
  public Schema schema() {
    return dataset.arrowSchema();
  }

  @Override
  public List<VectorSchemaRoot> batches() {
    return dataset.batches();
  }
}
