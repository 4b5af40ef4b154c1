package dev.cleanroom.connectors.calcite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.ingest.DatasetIngestor;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import java.io.InputStream;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.schema.SchemaPlus;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ArrowTableTest {
  private BufferAllocator allocator;
  private LoadedDataset dataset;

  @BeforeEach
  void load() throws Exception {
    allocator = new RootAllocator();
    BufferAllocator owned = allocator.newChildAllocator("dataset-test", 0, Long.MAX_VALUE);
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try (InputStream in = TestDatasets.resource("ingest/valid.csv")) {
      // Two-row batches, so a scan crosses a batch boundary.
      new DatasetIngestor(2)
          .ingest(
              in,
              UploadFormat.CSV,
              TestDatasets.customers(),
              TestDatasets.customerRules(),
              owned,
              batch -> {
                VectorSchemaRoot copy = VectorSchemaRoot.create(batch.getSchema(), owned);
                try (ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
                  new VectorLoader(copy).load(record);
                }
                batches.add(copy);
              },
              IngestProgress.NONE);
    }
    dataset = new LoadedDataset("customers", 1, TestDatasets.customers(), owned, batches);
  }

  @AfterEach
  void close() {
    dataset.close();
    allocator.close(); // fails the test on a leak
  }

  @Test
  void rowType_followsTheArchitectureMapping() {
    RelDataType rowType = new ArrowTable(dataset).getRowType(new JavaTypeFactoryImpl());
    assertEquals(
        "RecordType(BIGINT customer_id, VARCHAR email_hash, VARCHAR zip, INTEGER age,"
            + " DOUBLE lifetime_spend, DECIMAL(10, 2) balance, BOOLEAN opted_out, DATE birthday,"
            + " TIMESTAMP(3) joined)",
        rowType.toString());
    assertTrue(rowType.getFieldList().stream().allMatch(field -> field.getType().isNullable()));
  }

  @Test
  void projectedScan_readsOnlyTheProjectedColumnsAsEngineValues() {
    List<List<Object>> rows = new ArrayList<>();
    for (Object[] row :
        new ArrowTable(dataset).scan(null, new ArrayList<>(), new int[] {8, 0, 7, 5})) {
      rows.add(Arrays.asList(row));
    }
    long joinedMillis =
        LocalDate.of(2024, 1, 2).toEpochDay() * 86_400_000L + (3 * 3600 + 4 * 60 + 5) * 1000L;
    assertEquals(
        List.of(
            Arrays.asList(
                joinedMillis + 123,
                1L,
                (int) LocalDate.of(1990, 5, 1).toEpochDay(),
                new BigDecimal("12.30")),
            Arrays.asList(joinedMillis, 2L, null, new BigDecimal("-1.50")),
            Arrays.asList(
                null, 3L, (int) LocalDate.of(2000, 2, 29).toEpochDay(), new BigDecimal("7.00"))),
        rows);
  }

  @Test
  void sqlOverTheTable_runsOnCalcite() throws Exception {
    Properties properties = new Properties();
    properties.setProperty("lex", "JAVA");
    try (Connection connection = DriverManager.getConnection("jdbc:calcite:", properties)) {
      SchemaPlus root = connection.unwrap(CalciteConnection.class).getRootSchema();
      root.add("retailer", new MemberSchema(Map.of("customers", dataset)));
      try (Statement statement = connection.createStatement();
          ResultSet result =
              statement.executeQuery(
                  "SELECT zip, age, joined FROM retailer.customers"
                      + " WHERE age > 40 OR opted_out ORDER BY customer_id")) {
        List<String> rows = new ArrayList<>();
        while (result.next()) {
          rows.add(result.getString(1) + "|" + result.getObject(2) + "|" + result.getString(3));
        }
        assertEquals(
            List.of("10,117|null|2024-01-02 03:04:05.000", "say \"hi\"\nthere|61|null"), rows);
      }
      try (Statement statement = connection.createStatement();
          ResultSet result =
              statement.executeQuery(
                  "SELECT COUNT(*), SUM(age), MAX(birthday) FROM retailer.customers")) {
        assertTrue(result.next());
        assertEquals(3L, result.getLong(1));
        assertEquals(95L, result.getLong(2));
        assertEquals("2000-02-29", result.getString(3));
      }
    }
  }
}
