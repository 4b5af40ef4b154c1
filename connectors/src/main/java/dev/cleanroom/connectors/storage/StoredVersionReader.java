package dev.cleanroom.connectors.storage;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.DataKey;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import java.io.IOException;
import java.io.InputStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;

/**
 * Streams the batches of one stored version, decrypting and authenticating chunk by chunk. The root
 * is reused for every batch. Owns a named child allocator, freed on close.
 */
public final class StoredVersionReader implements AutoCloseable {
  private final StoredVersion version;
  private final BufferAllocator allocator;
  private final ArrowStreamReader reader;
  private final DatasetSchema schema;
  private final DataKey dataKey;
  private final InputStream decrypted;

  StoredVersionReader(
      StoredVersion version, InputStream decrypted, DataKey dataKey, BufferAllocator parent) {
    this.version = version;
    this.dataKey = dataKey;
    this.decrypted = decrypted;
    this.allocator =
        parent.newChildAllocator(
            "read-" + version.datasetId() + "-v" + version.version(), 0, parent.getLimit());
    try {
      this.reader = new ArrowStreamReader(decrypted, allocator);
      this.schema = DatasetSchema.fromArrow(guard(() -> reader.getVectorSchemaRoot()).getSchema());
    } catch (RuntimeException e) {
      allocator.close();
      throw e;
    }
  }

  public String datasetId() {
    return version.datasetId();
  }

  public long versionNumber() {
    return version.version();
  }

  public DatasetSchema schema() {
    return schema;
  }

  /** The batch most recently loaded. */
  public VectorSchemaRoot root() {
    return guard(reader::getVectorSchemaRoot);
  }

  /**
   * Loads the next batch into {@link #root()}; false at the end, once the encrypted stream has been
   * authenticated to its final chunk with nothing after the Arrow end-of-stream marker.
   */
  public boolean loadNextBatch() {
    if (guard(reader::loadNextBatch)) {
      return true;
    }
    if (guard(decrypted::read) != -1) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE,
          "version "
              + version.version()
              + " of dataset '"
              + version.datasetId()
              + "' has data after its end");
    }
    return false;
  }

  @Override
  public void close() {
    try {
      reader.close();
    } catch (IOException e) {
      throw new ConnectorException(
          ConnectorErrorCode.STORAGE_FAILURE, "closing a stored version failed", e);
    } finally {
      dataKey.destroy();
      allocator.close();
    }
  }

  private <T> T guard(IoCall<T> call) {
    try {
      return call.run();
    } catch (ConnectorException | OutOfMemoryException e) {
      // Running out of Arrow memory says nothing about the bytes stored; callers decide about it.
      throw e;
    } catch (IOException | RuntimeException e) {
      // The stream authenticated, so a parse failure means a writer bug or a wrong key: fail
      // closed.
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE,
          "version "
              + version.version()
              + " of dataset '"
              + version.datasetId()
              + "' cannot be read ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  @FunctionalInterface
  private interface IoCall<T> {
    T run() throws IOException;
  }
}
