package dev.cleanroom.benchmarks;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.examples.demo.DemoDataGenerator.Customers;
import dev.cleanroom.examples.demo.DemoDataGenerator.Impressions;
import dev.cleanroom.examples.demo.DemoDataGenerator.Purchases;
import dev.cleanroom.testkit.InMemoryTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Turns the generator's column arrays into Arrow batches, once, before any timing. */
final class DemoArrowLoader {
  static final int BATCH_ROWS = 1 << 17;

  /** The demo tables as the demo clean room declares them. */
  static final DatasetSchema CUSTOMERS =
      DatasetSchema.of(
          ColumnDefinition.of("customer_id", "BIGINT"),
          ColumnDefinition.of("email", "VARCHAR"),
          ColumnDefinition.of("email_hash", "VARCHAR"),
          ColumnDefinition.of("zip", "VARCHAR"),
          ColumnDefinition.of("age_band", "VARCHAR"),
          ColumnDefinition.of("loyalty_tier", "VARCHAR"),
          ColumnDefinition.of("lifetime_spend", "DOUBLE"),
          ColumnDefinition.of("opted_out", "BOOLEAN"));

  static final DatasetSchema IMPRESSIONS =
      DatasetSchema.of(
          ColumnDefinition.of("impression_id", "BIGINT"),
          ColumnDefinition.of("email_hash", "VARCHAR"),
          ColumnDefinition.of("campaign_id", "VARCHAR"),
          ColumnDefinition.of("ts", "TIMESTAMP"),
          ColumnDefinition.of("clicked", "BOOLEAN"),
          ColumnDefinition.of("cost", "DOUBLE"));

  static final DatasetSchema PURCHASES =
      DatasetSchema.of(
          ColumnDefinition.of("customer_id", "BIGINT"),
          ColumnDefinition.of("ts", "TIMESTAMP"),
          ColumnDefinition.of("category", "VARCHAR"),
          ColumnDefinition.of("channel", "VARCHAR"),
          ColumnDefinition.of("amount", "DOUBLE"),
          ColumnDefinition.of("opted_out", "BOOLEAN"),
          ColumnDefinition.of("consent_measurement", "BOOLEAN"),
          ColumnDefinition.of("consent_targeting", "BOOLEAN"));

  private DemoArrowLoader() {}

  static InMemoryTable customers(Customers customers, BufferAllocator allocator) {
    List<VectorSchemaRoot> batches = new ArrayList<>();
    int rows = customers.size();
    for (int start = 0; start < rows; start += BATCH_ROWS) {
      int end = Math.min(rows, start + BATCH_ROWS);
      VectorSchemaRoot root = VectorSchemaRoot.create(CUSTOMERS.arrowSchema(), allocator);
      root.allocateNew();
      BigIntVector customerId = (BigIntVector) root.getVector("customer_id");
      Float8Vector spend = (Float8Vector) root.getVector("lifetime_spend");
      BitVector optedOut = (BitVector) root.getVector("opted_out");
      for (int i = start; i < end; i++) {
        int row = i - start;
        customerId.setSafe(row, customers.customerId()[i]);
        setString(root, "email", row, customers.email()[i]);
        setString(root, "email_hash", row, customers.emailHash()[i]);
        setString(root, "zip", row, customers.zip()[i]);
        setString(root, "age_band", row, customers.ageBand()[i]);
        setString(root, "loyalty_tier", row, customers.loyaltyTier()[i]);
        spend.setSafe(row, customers.lifetimeSpend()[i]);
        optedOut.setSafe(row, customers.optedOut()[i] ? 1 : 0);
      }
      root.setRowCount(end - start);
      batches.add(root);
    }
    return InMemoryTable.ofBatches(CUSTOMERS, batches);
  }

  static InMemoryTable impressions(Impressions impressions, BufferAllocator allocator) {
    List<VectorSchemaRoot> batches = new ArrayList<>();
    int rows = impressions.size();
    for (int start = 0; start < rows; start += BATCH_ROWS) {
      int end = Math.min(rows, start + BATCH_ROWS);
      VectorSchemaRoot root = VectorSchemaRoot.create(IMPRESSIONS.arrowSchema(), allocator);
      root.allocateNew();
      BigIntVector impressionId = (BigIntVector) root.getVector("impression_id");
      TimeStampMicroVector ts = (TimeStampMicroVector) root.getVector("ts");
      BitVector clicked = (BitVector) root.getVector("clicked");
      Float8Vector cost = (Float8Vector) root.getVector("cost");
      for (int i = start; i < end; i++) {
        int row = i - start;
        impressionId.setSafe(row, impressions.impressionId()[i]);
        setString(root, "email_hash", row, impressions.emailHash()[i]);
        setString(root, "campaign_id", row, impressions.campaignId()[i]);
        ts.setSafe(row, impressions.tsMicros()[i]);
        clicked.setSafe(row, impressions.clicked()[i] ? 1 : 0);
        cost.setSafe(row, impressions.cost()[i]);
      }
      root.setRowCount(end - start);
      batches.add(root);
    }
    return InMemoryTable.ofBatches(IMPRESSIONS, batches);
  }

  static InMemoryTable purchases(Purchases purchases, BufferAllocator allocator) {
    List<VectorSchemaRoot> batches = new ArrayList<>();
    int rows = purchases.size();
    for (int start = 0; start < rows; start += BATCH_ROWS) {
      int end = Math.min(rows, start + BATCH_ROWS);
      VectorSchemaRoot root = VectorSchemaRoot.create(PURCHASES.arrowSchema(), allocator);
      root.allocateNew();
      BigIntVector customerId = (BigIntVector) root.getVector("customer_id");
      TimeStampMicroVector ts = (TimeStampMicroVector) root.getVector("ts");
      Float8Vector amount = (Float8Vector) root.getVector("amount");
      BitVector optedOut = (BitVector) root.getVector("opted_out");
      for (int i = start; i < end; i++) {
        int row = i - start;
        customerId.setSafe(row, purchases.customerId()[i]);
        ts.setSafe(row, purchases.tsMicros()[i]);
        setString(root, "category", row, purchases.category()[i]);
        setString(root, "channel", row, purchases.channel()[i]);
        amount.setSafe(row, purchases.amount()[i]);
        optedOut.setSafe(row, purchases.optedOut()[i] ? 1 : 0);
        ((BitVector) root.getVector("consent_measurement"))
            .setSafe(row, purchases.consentMeasurement()[i] ? 1 : 0);
        ((BitVector) root.getVector("consent_targeting"))
            .setSafe(row, purchases.consentTargeting()[i] ? 1 : 0);
      }
      root.setRowCount(end - start);
      batches.add(root);
    }
    return InMemoryTable.ofBatches(PURCHASES, batches);
  }

  private static void setString(VectorSchemaRoot root, String column, int row, String value) {
    ((VarCharVector) root.getVector(column)).setSafe(row, value.getBytes(StandardCharsets.UTF_8));
  }
}
