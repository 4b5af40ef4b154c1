package dev.cleanroom.connectors.dataset;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One dataset version held in memory as Arrow batches in the declared schema. It owns its allocator
 * and batches: closing it frees both. The Calcite table and the vectorized executor read the same
 * batches.
 */
public final class LoadedDataset implements AutoCloseable {
  private final String datasetId;
  private final long version;
  private final DatasetSchema schema;
  private final BufferAllocator allocator;
  private final List<VectorSchemaRoot> batches;
  private final long rowCount;
  private boolean closed;

  /** Takes ownership of {@code allocator} and {@code batches}. */
  public LoadedDataset(
      String datasetId,
      long version,
      DatasetSchema schema,
      BufferAllocator allocator,
      List<VectorSchemaRoot> batches) {
    this.datasetId = requireNonNull(datasetId, "datasetId is null");
    this.version = version;
    this.schema = requireNonNull(schema, "schema is null");
    this.allocator = requireNonNull(allocator, "allocator is null");
    this.batches = List.copyOf(requireNonNull(batches, "batches is null"));
    Schema expected = schema.arrowSchema();
    long rows = 0;
    for (VectorSchemaRoot batch : this.batches) {
      if (!batch.getSchema().equals(expected)) {
        throw new IllegalArgumentException("a batch does not have the declared schema");
      }
      rows += batch.getRowCount();
    }
    this.rowCount = rows;
  }

  public String datasetId() {
    return datasetId;
  }

  public long version() {
    return version;
  }

  public DatasetSchema schema() {
    return schema;
  }

  public Schema arrowSchema() {
    return schema.arrowSchema();
  }

  /** The batches, in stored order; valid until {@link #close()}. Callers must not modify them. */
  public List<VectorSchemaRoot> batches() {
    ensureOpen();
    return batches;
  }

  public long rowCount() {
    return rowCount;
  }

  /** The bytes of Arrow memory its allocator holds (buffers as allocated, rounded up). */
  public long allocatedBytes() {
    return allocator.getAllocatedMemory();
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<RuntimeException> failures = new ArrayList<>();
    for (VectorSchemaRoot batch : batches) {
      try {
        batch.close();
      } catch (RuntimeException e) {
        failures.add(e);
      }
    }
    allocator.close();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("dataset '" + datasetId + "' is closed");
    }
  }
}
