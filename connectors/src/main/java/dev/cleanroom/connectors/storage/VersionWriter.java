package dev.cleanroom.connectors.storage;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.DataKey;
import dev.cleanroom.connectors.crypto.EncryptingOutputStream;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Writes one new version: batches go encrypted into a temporary file (and, when the store keeps the
 * Parquet form, into a temporary Parquet directory); {@link #commit()} fsyncs both and renames them
 * into place, the Parquet form first, so a version whose Arrow form is committed has both. Closing
 * without committing deletes everything written, so a failed upload leaves no trace of either form
 * and the previous version stays current.
 */
public final class VersionWriter implements AutoCloseable {
  private final String datasetId;
  private final long version;
  private final Path directory;
  private final Path keyFile;
  private final Path tempFile;
  private final FileChannel channel;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final ArrowStreamWriter writer;
  private final Runnable onClose;
  private final DataKey dataKey;
  private final ParquetForm.Staged parquet;
  private long rows;
  private boolean committed;
  private boolean closed;

  VersionWriter(
      String datasetId,
      long version,
      DatasetSchema schema,
      Path directory,
      Path keyFile,
      DataKey dataKey,
      BufferAllocator parentAllocator,
      ParquetForm parquetForm,
      List<MasterKey> parquetKeys,
      Runnable onClose)
      throws IOException {
    this.datasetId = datasetId;
    this.version = version;
    this.directory = directory;
    this.keyFile = keyFile;
    this.onClose = onClose;
    this.dataKey = dataKey;
    this.tempFile =
        directory.resolve(
            VersionFiles.TEMP_PREFIX
                + VersionFiles.dataFileName(version)
                + "-"
                + System.nanoTime());
    FileChannel openedChannel = null;
    BufferAllocator openedAllocator = null;
    VectorSchemaRoot openedRoot = null;
    ParquetForm.Staged openedParquet = null;
    try {
      openedChannel =
          FileChannel.open(tempFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      OutputStream encrypted =
          new EncryptingOutputStream(
              new BufferedOutputStream(
                  new VersionFiles.KeepOpen(Channels.newOutputStream(openedChannel)), 1 << 16),
              dataKey,
              VersionFiles.context(datasetId, version));
      openedAllocator =
          parentAllocator.newChildAllocator(
              "write-" + datasetId + "-v" + version, 0, parentAllocator.getLimit());
      openedRoot = VectorSchemaRoot.create(schema.arrowSchema(), openedAllocator);
      this.writer = new ArrowStreamWriter(openedRoot, null, encrypted);
      writer.start();
      if (parquetForm != null) {
        openedParquet = parquetForm.stage(datasetId, version, schema.arrowSchema(), parquetKeys);
      }
    } catch (IOException | RuntimeException e) {
      // Undo what was opened so far; the caller releases the dataset lock and the key.
      if (openedParquet != null) {
        openedParquet.close();
      }
      if (openedRoot != null) {
        openedRoot.close();
      }
      if (openedAllocator != null) {
        openedAllocator.close();
      }
      if (openedChannel != null) {
        openedChannel.close();
      }
      Files.deleteIfExists(tempFile);
      Files.deleteIfExists(keyFile);
      throw e;
    }
    this.channel = openedChannel;
    this.allocator = openedAllocator;
    this.root = openedRoot;
    this.parquet = openedParquet;
  }

  public String datasetId() {
    return datasetId;
  }

  public long version() {
    return version;
  }

  /** Appends a batch in the declared schema; the batch itself is not modified or kept. */
  public void write(VectorSchemaRoot batch) throws IOException {
    ensureWritable();
    if (!batch.getSchema().equals(root.getSchema())) {
      throw new ConnectorException(
          ConnectorErrorCode.INVALID_ARGUMENT,
          "batch does not have the declared schema of dataset '" + datasetId + "'");
    }
    try (ArrowRecordBatch recordBatch = new VectorUnloader(batch).getRecordBatch()) {
      new VectorLoader(root).load(recordBatch);
      writer.writeBatch();
    }
    if (parquet != null) {
      parquet.write(batch);
    }
    rows += batch.getRowCount();
    root.clear();
  }

  /** Makes the version durable and visible; returns it. */
  public StoredVersion commit() {
    ensureWritable();
    Path target = directory.resolve(VersionFiles.dataFileName(version));
    try {
      writer.end();
      writer.close(); // seals the final encrypted chunk
      channel.force(true);
      channel.close();
      if (Files.exists(target)) {
        throw new ConnectorException(
            ConnectorErrorCode.STORAGE_FAILURE,
            "version " + version + " of dataset '" + datasetId + "' already exists");
      }
      if (parquet != null) {
        parquet.publish();
      }
      try {
        Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        unpublishParquet(e);
        throw e;
      }
      VersionFiles.syncDirectory(directory);
    } catch (IOException e) {
      throw VersionFiles.failure(
          "committing version " + version + " of '" + datasetId + "' failed", e);
    }
    committed = true;
    return new StoredVersion(datasetId, version, rows);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    RuntimeException failure = null;
    try {
      if (!committed) {
        failure = attempt(failure, writer::close);
        failure = attempt(failure, () -> closeChannelAndDelete());
      }
      if (parquet != null) {
        failure = attempt(failure, parquet::close);
      }
      failure = attempt(failure, root::close);
      failure = attempt(failure, allocator::close);
    } finally {
      dataKey.destroy();
      onClose.run();
    }
    if (failure != null) {
      throw failure;
    }
  }

  private void closeChannelAndDelete() {
    try {
      channel.close();
      Files.deleteIfExists(tempFile);
      Files.deleteIfExists(keyFile);
    } catch (IOException e) {
      throw VersionFiles.failure("discarding an unfinished version of '" + datasetId + "'", e);
    }
  }

  /** Takes the published Parquet form back after the Arrow form failed to commit. */
  private void unpublishParquet(Exception failure) {
    if (parquet == null) {
      return;
    }
    try {
      parquet.unpublish();
    } catch (IOException | RuntimeException e) {
      // Left for the next write of this dataset, which removes a Parquet form without its version.
      failure.addSuppressed(e);
    }
  }

  /** Runs one clean-up step even if an earlier one failed; keeps the first failure. */
  private static RuntimeException attempt(RuntimeException earlier, Runnable step) {
    try {
      step.run();
      return earlier;
    } catch (RuntimeException e) {
      if (earlier != null) {
        earlier.addSuppressed(e);
        return earlier;
      }
      return e;
    }
  }

  private void ensureWritable() {
    if (closed || committed) {
      throw new IllegalStateException(
          "version writer is already " + (closed ? "closed" : "committed"));
    }
  }
}
