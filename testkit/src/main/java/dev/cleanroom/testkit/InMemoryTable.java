package dev.cleanroom.testkit;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.connectors.ingest.DatasetIngestor;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.spi.ColumnType;
import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * The in-memory table of tests and benchmarks: declared columns, as the server declares a dataset,
 * and their rows. The analyzer sees a Calcite table of the declared types (every column nullable,
 * as in the server's catalog); an engine, bound to it by table name, reads Arrow batches held on
 * the allocator the table was made with. Close the table before that allocator.
 *
 * <p>Rows are in the engines' representation (docs/ARCHITECTURE.md): BIGINT {@code Long}, INTEGER
 * {@code Integer}, DOUBLE {@code Double}, DECIMAL {@code BigDecimal}, VARCHAR {@code String},
 * BOOLEAN {@code Boolean}, DATE {@code Integer} days and TIMESTAMP {@code Long} milliseconds (UTC).
 */
public final class InMemoryTable extends AbstractTable implements ArrowTableData, AutoCloseable {
  /** Rows per Arrow batch unless a test asks for others. */
  public static final int DEFAULT_BATCH_ROWS = 1024;

  private final DatasetSchema columns;
  private final List<VectorSchemaRoot> batches;

  private InMemoryTable(DatasetSchema columns, List<VectorSchemaRoot> batches) {
    this.columns = columns;
    this.batches = List.copyOf(batches);
  }

  /** A table of {@code rows} in batches of {@link #DEFAULT_BATCH_ROWS}. */
  public static InMemoryTable of(
      DatasetSchema columns, List<Object[]> rows, BufferAllocator allocator) {
    return of(columns, rows, DEFAULT_BATCH_ROWS, allocator);
  }

  /**
   * A table of {@code rows}, {@code batchRows} to a batch (a few, so that scans cross batch
   * boundaries); no rows make one empty batch.
   *
   * @throws IllegalArgumentException when a row does not have one value of its column's type per
   *     column
   */
  public static InMemoryTable of(
      DatasetSchema columns, List<Object[]> rows, int batchRows, BufferAllocator allocator) {
    requireNonNull(columns, "columns is null");
    requireNonNull(rows, "rows is null");
    requireNonNull(allocator, "allocator is null");
    if (batchRows < 1) {
      throw new IllegalArgumentException("batchRows must be >= 1, was " + batchRows);
    }
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try {
      int start = 0;
      do {
        int end = Math.min(rows.size(), start + batchRows);
        batches.add(batch(columns, rows.subList(start, end), allocator));
        start = end;
      } while (start < rows.size());
    } catch (RuntimeException e) {
      batches.forEach(VectorSchemaRoot::close);
      throw e;
    }
    return new InMemoryTable(columns, batches);
  }

  /**
   * A table over batches written elsewhere (by a data generator, say), which it now owns and
   * closes; each has exactly the declared columns' Arrow schema.
   */
  public static InMemoryTable ofBatches(DatasetSchema columns, List<VectorSchemaRoot> batches) {
    requireNonNull(columns, "columns is null");
    Schema expected = columns.arrowSchema();
    for (VectorSchemaRoot batch : requireNonNull(batches, "batches is null")) {
      if (!batch.getSchema().equals(expected)) {
        throw new IllegalArgumentException(
            "a batch has the schema " + batch.getSchema() + ", not the declared " + expected);
      }
    }
    return new InMemoryTable(columns, batches);
  }

  /**
   * A table read from a CSV upload (a header of the declared column names, then the rows) through
   * the connectors' ingest, as the server reads one: the same parsing, the same vectors.
   */
  public static InMemoryTable ingested(
      DatasetSchema columns, String csv, int batchRows, BufferAllocator allocator) {
    requireNonNull(columns, "columns is null");
    requireNonNull(csv, "csv is null");
    requireNonNull(allocator, "allocator is null");
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try {
      new DatasetIngestor(batchRows)
          .ingest(
              new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
              UploadFormat.CSV,
              columns,
              IngestRules.none(),
              allocator,
              // The ingest reuses its batch once the sink returns.
              batch -> batches.add(copy(batch, allocator)),
              IngestProgress.NONE);
    } catch (RuntimeException e) {
      batches.forEach(VectorSchemaRoot::close);
      throw e;
    }
    return new InMemoryTable(columns, batches);
  }

  /** The declared columns. */
  public DatasetSchema columns() {
    return columns;
  }

  public long rowCount() {
    long rows = 0;
    for (VectorSchemaRoot batch : batches) {
      rows += batch.getRowCount();
    }
    return rows;
  }

  @Override
  public Schema schema() {
    return columns.arrowSchema();
  }

  @Override
  public List<VectorSchemaRoot> batches() {
    return batches;
  }

  @Override
  public RelDataType getRowType(RelDataTypeFactory typeFactory) {
    RelDataTypeFactory.Builder builder = typeFactory.builder();
    for (ColumnDefinition column : columns.columns()) {
      builder.add(column.name(), column.type().relDataType(typeFactory));
    }
    return builder.build();
  }

  /** Frees the batches. */
  @Override
  public void close() {
    batches.forEach(VectorSchemaRoot::close);
  }

  private static VectorSchemaRoot batch(
      DatasetSchema columns, List<Object[]> rows, BufferAllocator allocator) {
    VectorSchemaRoot batch = VectorSchemaRoot.create(columns.arrowSchema(), allocator);
    try {
      batch.allocateNew();
      for (int r = 0; r < rows.size(); r++) {
        Object[] row = rows.get(r);
        if (row.length != columns.size()) {
          throw new IllegalArgumentException(
              "a row has " + row.length + " values for " + columns.size() + " columns");
        }
        for (int c = 0; c < row.length; c++) {
          write(columns.column(c), batch.getVector(c), r, row[c]);
        }
      }
      batch.setRowCount(rows.size());
      return batch;
    } catch (RuntimeException e) {
      batch.close();
      throw e;
    }
  }

  private static void write(ColumnDefinition column, FieldVector vector, int index, Object value) {
    if (value == null) {
      vector.setNull(index);
      return;
    }
    ColumnType type = column.type();
    try {
      switch (type.kind()) {
        case BIGINT -> ((BigIntVector) vector).setSafe(index, (Long) value);
        case INTEGER -> ((IntVector) vector).setSafe(index, (Integer) value);
        case DOUBLE -> ((Float8Vector) vector).setSafe(index, (Double) value);
        case DECIMAL ->
            ((DecimalVector) vector)
                .setSafe(
                    index, ((BigDecimal) value).setScale(type.scale(), RoundingMode.UNNECESSARY));
        case VARCHAR ->
            ((VarCharVector) vector)
                .setSafe(index, ((String) value).getBytes(StandardCharsets.UTF_8));
        case BOOLEAN -> ((BitVector) vector).setSafe(index, (Boolean) value ? 1 : 0);
        case DATE -> ((DateDayVector) vector).setSafe(index, (Integer) value);
        case TIMESTAMP ->
            ((TimeStampMicroVector) vector).setSafe(index, Math.multiplyExact((Long) value, 1000L));
      }
    } catch (ClassCastException e) {
      throw new IllegalArgumentException(
          "column '"
              + column.name()
              + "' is "
              + type
              + ", but a row holds a "
              + value.getClass().getSimpleName(),
          e);
    }
  }

  private static VectorSchemaRoot copy(VectorSchemaRoot batch, BufferAllocator allocator) {
    VectorSchemaRoot copy = VectorSchemaRoot.create(batch.getSchema(), allocator);
    try (ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
      new VectorLoader(copy).load(record);
    }
    return copy;
  }
}
