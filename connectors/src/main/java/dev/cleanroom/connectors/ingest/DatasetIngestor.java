package dev.cleanroom.connectors.ingest;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads an upload in any supported format into validated batches of the declared schema, streaming:
 * at most one batch is in memory at a time. Any bad input fails with a {@link ConnectorException}
 * naming the position; the sink may have seen earlier batches, so it must discard them on failure
 * (the store's version writer does).
 */
public final class DatasetIngestor {
  public static final int DEFAULT_BATCH_ROWS = 4096;

  private final int batchRows;
  private final int uniqueRunSize;

  public DatasetIngestor() {
    this(DEFAULT_BATCH_ROWS);
  }

  public DatasetIngestor(int batchRows) {
    this(batchRows, UniqueValueTracker.DEFAULT_RUN_SIZE);
  }

  /**
   * @param batchRows rows per Arrow batch handed to the sink
   * @param uniqueRunSize keys of a unique column held in memory before they are spilled to disk
   */
  public DatasetIngestor(int batchRows, int uniqueRunSize) {
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be positive, got " + batchRows);
    }
    if (uniqueRunSize < 2) {
      throw new IllegalArgumentException("uniqueRunSize must be at least 2, got " + uniqueRunSize);
    }
    this.batchRows = batchRows;
    this.uniqueRunSize = uniqueRunSize;
  }

  /** Batches of a stored version, in order, for {@link #requireNonNullAndUnique}. */
  public interface StoredBatches {
    /** Loads the next batch into {@link #batch()}; false after the last. */
    boolean next() throws IOException;

    VectorSchemaRoot batch();
  }

  /**
   * Checks that {@code column} has a value in every row and repeats none over all of {@code
   * batches}, in bounded memory, as an upload's non-null unique column is checked.
   *
   * @throws ConnectorException {@link ConnectorErrorCode#NULL_VALUE} naming the first row without a
   *     value, or {@link ConnectorErrorCode#DUPLICATE_VALUE} naming the later row of the first
   *     repeat found
   */
  public void requireNonNullAndUnique(DatasetSchema schema, String column, StoredBatches batches)
      throws IOException {
    requireNonNull(schema, "schema is null");
    requireNonNull(column, "column is null");
    IngestRules rules =
        new IngestRules(
            Set.of(column),
            Set.of(column),
            Set.of(),
            Set.of(),
            IngestRules.DEFAULT_MAX_UPLOAD_BYTES);
    rules.validateAgainst(schema);
    try (BatchValidator validator = new BatchValidator(schema, rules, false, uniqueRunSize)) {
      long firstRow = 1;
      while (batches.next()) {
        validator.validate(batches.batch(), firstRow);
        firstRow += batches.batch().getRowCount();
      }
      validator.finish();
    }
  }

  public IngestSummary ingest(
      InputStream upload,
      UploadFormat format,
      DatasetSchema schema,
      IngestRules rules,
      BufferAllocator allocator,
      BatchSink sink,
      IngestProgress progress) {
    requireNonNull(upload, "upload is null");
    requireNonNull(format, "format is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(rules, "rules is null");
    requireNonNull(allocator, "allocator is null");
    requireNonNull(sink, "sink is null");
    requireNonNull(progress, "progress is null");
    rules.validateAgainst(schema);
    LimitedInputStream in = new LimitedInputStream(upload, rules.maxUploadBytes());
    try (BatchValidator validator =
        new BatchValidator(schema, rules, format != UploadFormat.CSV, uniqueRunSize)) {
      long rows =
          switch (format) {
            case CSV -> CsvIngest.read(in, schema, validator, allocator, batchRows, sink, progress);
            case ARROW_STREAM, ARROW_FILE ->
                ArrowIngest.read(in, format, schema, validator, allocator, sink, progress);
            case PARQUET ->
                ParquetIngest.read(in, schema, validator, allocator, batchRows, sink, progress);
          };
      validator.finish();
      return new IngestSummary(rows, in.count());
    } catch (IOException e) {
      throw new ConnectorException(
          ConnectorErrorCode.STORAGE_FAILURE, "reading or storing the upload failed", e);
    }
  }
}
