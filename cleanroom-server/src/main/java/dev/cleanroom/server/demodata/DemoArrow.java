package dev.cleanroom.server.demodata;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;

/**
 * Writes the demo tables as Arrow IPC streams in their declared schemas, the format an upload of
 * {@code application/vnd.apache.arrow.stream} carries; timestamps keep their microseconds exactly.
 */
public final class DemoArrow {
  static final int BATCH_ROWS = 8192;

  public static final DatasetSchema CUSTOMERS =
      schema(
          "customer_id BIGINT",
          "email VARCHAR",
          "email_hash VARCHAR",
          "zip VARCHAR",
          "age_band VARCHAR",
          "loyalty_tier VARCHAR",
          "lifetime_spend DOUBLE",
          "opted_out BOOLEAN");

  public static final DatasetSchema IMPRESSIONS =
      schema(
          "impression_id BIGINT",
          "email_hash VARCHAR",
          "campaign_id VARCHAR",
          "ts TIMESTAMP",
          "clicked BOOLEAN",
          "cost DOUBLE");

  public static final DatasetSchema PURCHASES =
      schema(
          "customer_id BIGINT",
          "ts TIMESTAMP",
          "category VARCHAR",
          "channel VARCHAR",
          "amount DOUBLE",
          "opted_out BOOLEAN",
          "consent_measurement BOOLEAN",
          "consent_targeting BOOLEAN");

  private DemoArrow() {}

  public static void writeCustomers(
      DemoDataGenerator.Customers rows, OutputStream out, BufferAllocator allocator)
      throws IOException {
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(CUSTOMERS.arrowSchema(), allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(batch, null, out)) {
      writer.start();
      for (int start = 0; start < rows.size(); start += BATCH_ROWS) {
        int count = Math.min(BATCH_ROWS, rows.size() - start);
        batch.allocateNew();
        for (int i = 0; i < count; i++) {
          int row = start + i;
          ((BigIntVector) batch.getVector(0)).setSafe(i, rows.customerId()[row]);
          text(batch, 1, i, rows.email()[row]);
          text(batch, 2, i, rows.emailHash()[row]);
          text(batch, 3, i, rows.zip()[row]);
          text(batch, 4, i, rows.ageBand()[row]);
          text(batch, 5, i, rows.loyaltyTier()[row]);
          ((Float8Vector) batch.getVector(6)).setSafe(i, rows.lifetimeSpend()[row]);
          ((BitVector) batch.getVector(7)).setSafe(i, rows.optedOut()[row] ? 1 : 0);
        }
        batch.setRowCount(count);
        writer.writeBatch();
      }
      writer.end();
    }
  }

  public static void writeImpressions(
      DemoDataGenerator.Impressions rows, OutputStream out, BufferAllocator allocator)
      throws IOException {
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(IMPRESSIONS.arrowSchema(), allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(batch, null, out)) {
      writer.start();
      for (int start = 0; start < rows.size(); start += BATCH_ROWS) {
        int count = Math.min(BATCH_ROWS, rows.size() - start);
        batch.allocateNew();
        for (int i = 0; i < count; i++) {
          int row = start + i;
          ((BigIntVector) batch.getVector(0)).setSafe(i, rows.impressionId()[row]);
          text(batch, 1, i, rows.emailHash()[row]);
          text(batch, 2, i, rows.campaignId()[row]);
          ((TimeStampMicroVector) batch.getVector(3)).setSafe(i, rows.tsMicros()[row]);
          ((BitVector) batch.getVector(4)).setSafe(i, rows.clicked()[row] ? 1 : 0);
          ((Float8Vector) batch.getVector(5)).setSafe(i, rows.cost()[row]);
        }
        batch.setRowCount(count);
        writer.writeBatch();
      }
      writer.end();
    }
  }

  public static void writePurchases(
      DemoDataGenerator.Purchases rows, OutputStream out, BufferAllocator allocator)
      throws IOException {
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(PURCHASES.arrowSchema(), allocator);
        ArrowStreamWriter writer = new ArrowStreamWriter(batch, null, out)) {
      writer.start();
      for (int start = 0; start < rows.size(); start += BATCH_ROWS) {
        int count = Math.min(BATCH_ROWS, rows.size() - start);
        batch.allocateNew();
        for (int i = 0; i < count; i++) {
          int row = start + i;
          ((BigIntVector) batch.getVector(0)).setSafe(i, rows.customerId()[row]);
          ((TimeStampMicroVector) batch.getVector(1)).setSafe(i, rows.tsMicros()[row]);
          text(batch, 2, i, rows.category()[row]);
          text(batch, 3, i, rows.channel()[row]);
          ((Float8Vector) batch.getVector(4)).setSafe(i, rows.amount()[row]);
          ((BitVector) batch.getVector(5)).setSafe(i, rows.optedOut()[row] ? 1 : 0);
          ((BitVector) batch.getVector(6)).setSafe(i, rows.consentMeasurement()[row] ? 1 : 0);
          ((BitVector) batch.getVector(7)).setSafe(i, rows.consentTargeting()[row] ? 1 : 0);
        }
        batch.setRowCount(count);
        writer.writeBatch();
      }
      writer.end();
    }
  }

  private static void text(VectorSchemaRoot batch, int column, int row, String value) {
    VarCharVector vector = (VarCharVector) batch.getVector(column);
    if (value == null) {
      vector.setNull(row);
    } else {
      vector.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static DatasetSchema schema(String... declarations) {
    List<ColumnDefinition> columns =
        java.util.Arrays.stream(declarations)
            .map(declaration -> declaration.split(" ", 2))
            .map(parts -> ColumnDefinition.of(parts[0], parts[1]))
            .toList();
    return new DatasetSchema(columns);
  }
}
