package dev.cleanroom.examples.corpus;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.ingest.DatasetIngestor;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.engine.reference.ArrowTable;
import dev.cleanroom.spi.TableName;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * Tables loaded the way the server loads them: a CSV upload through the connectors' ingest into
 * Arrow batches, seen by Calcite as {@link ArrowTable}s and by the executor as {@link
 * ArrowTableData}, so both engines read the very same vectors.
 */
final class ArrowCatalog implements AutoCloseable {
  private final Map<TableName, LoadedDataset> datasets = new LinkedHashMap<>();
  private final Map<List<String>, ArrowTableData> executorTables = new LinkedHashMap<>();
  private final SchemaPlus rootSchema = CalciteSchema.createRootSchema(false, false).plus();

  /** The declared columns of a typed CSV header ({@code name:TYPE,...}, as in fixtures/). */
  static DatasetSchema schemaOf(String typedHeader) {
    List<ColumnDefinition> columns = new ArrayList<>();
    for (String field : typedHeader.strip().split(",")) {
      String[] parts = field.split(":", 2);
      columns.add(ColumnDefinition.of(parts[0], parts[1]));
    }
    return new DatasetSchema(columns);
  }

  /** Ingests a fixture CSV, whose header declares the types, as {@code table}. */
  void loadTyped(TableName table, String typedCsv, int batchRows, BufferAllocator parent) {
    int headerEnd = typedCsv.indexOf('\n');
    DatasetSchema schema = schemaOf(typedCsv.substring(0, headerEnd));
    String upload = String.join(",", schema.names()) + typedCsv.substring(headerEnd);
    load(table, schema, upload, batchRows, parent);
  }

  /**
   * Ingests a CSV upload (plain header of column names) of {@code schema} as {@code table}.
   *
   * @param batchRows rows per Arrow batch; small values make scans cross batch boundaries
   */
  void load(
      TableName table, DatasetSchema schema, String upload, int batchRows, BufferAllocator parent) {
    requireNonNull(table, "table is null");
    requireNonNull(schema, "schema is null");
    requireNonNull(upload, "upload is null");
    BufferAllocator allocator = parent.newChildAllocator(table.toString(), 0, Long.MAX_VALUE);
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try {
      new DatasetIngestor(batchRows)
          .ingest(
              new ByteArrayInputStream(upload.getBytes(StandardCharsets.UTF_8)),
              UploadFormat.CSV,
              schema,
              IngestRules.none(),
              allocator,
              batch -> batches.add(copy(batch, allocator)),
              IngestProgress.NONE);
    } catch (RuntimeException e) {
      batches.forEach(VectorSchemaRoot::close);
      allocator.close();
      throw e;
    }
    LoadedDataset dataset = new LoadedDataset(table.toString(), 1, schema, allocator, batches);
    datasets.put(table, dataset);
    executorTables.put(List.of(table.member(), table.dataset()), new DatasetData(dataset));
    SchemaPlus member = rootSchema.subSchemas().get(table.member());
    if (member == null) {
      member = rootSchema.add(table.member(), new AbstractSchema());
    }
    member.add(table.dataset(), new ArrowTable(dataset));
  }

  /** The Calcite root schema: one sub-schema per member, tables by dataset name. */
  SchemaPlus rootSchema() {
    return rootSchema;
  }

  /** The same tables for the executor, by qualified name. */
  Map<List<String>, ArrowTableData> executorTables() {
    return executorTables;
  }

  long rowCount(TableName table) {
    return datasets.get(table).rowCount();
  }

  @Override
  public void close() {
    datasets.values().forEach(LoadedDataset::close);
  }

  // The ingest reuses its batch after the sink returns.
  private static VectorSchemaRoot copy(VectorSchemaRoot batch, BufferAllocator allocator) {
    VectorSchemaRoot copy = VectorSchemaRoot.create(batch.getSchema(), allocator);
    try (ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
      new VectorLoader(copy).load(record);
    }
    return copy;
  }

  /** A loaded dataset as the executor reads it; one instance per dataset keeps its encodings. */
  private record DatasetData(LoadedDataset dataset) implements ArrowTableData {
    @Override
    public Schema schema() {
      return dataset.arrowSchema();
    }

    @Override
    public List<VectorSchemaRoot> batches() {
      return dataset.batches();
    }
  }
}
