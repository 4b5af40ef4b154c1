package dev.cleanroom.benchmarks;

import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/** Streams batches already in memory, so DuckDB can import them through the C stream interface. */
final class BatchListReader extends ArrowReader {
  private final Schema schema;
  private final List<VectorSchemaRoot> batches;
  private int next;

  BatchListReader(BufferAllocator allocator, Schema schema, List<VectorSchemaRoot> batches) {
    super(allocator);
    this.schema = schema;
    this.batches = batches;
  }

  @Override
  public boolean loadNextBatch() throws java.io.IOException {
    prepareLoadNextBatch();
    if (next >= batches.size()) {
      return false;
    }
    try (ArrowRecordBatch batch = new VectorUnloader(batches.get(next++)).getRecordBatch()) {
      loadRecordBatch(batch);
    }
    return true;
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {}

  @Override
  protected Schema readSchema() {
    return schema;
  }
}
