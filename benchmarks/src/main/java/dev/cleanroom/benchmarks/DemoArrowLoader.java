package dev.cleanroom.benchmarks;

import dev.cleanroom.benchmarks.DemoTable.ColumnType;
import dev.cleanroom.examples.demo.DemoDataGenerator.Customers;
import dev.cleanroom.examples.demo.DemoDataGenerator.Impressions;
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
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.sql.type.SqlTypeName;

/** Turns the generator's column arrays into Arrow batches, once, before any timing. */
final class DemoArrowLoader {
  static final int BATCH_ROWS = 1 << 17;

  private DemoArrowLoader() {}

  static DemoTable customers(Customers customers, BufferAllocator allocator) {
    List<ColumnType> columns =
        List.of(
            new ColumnType("customer_id", SqlTypeName.BIGINT),
            new ColumnType("email", SqlTypeName.VARCHAR),
            new ColumnType("email_hash", SqlTypeName.VARCHAR),
            new ColumnType("zip", SqlTypeName.VARCHAR),
            new ColumnType("age_band", SqlTypeName.VARCHAR),
            new ColumnType("loyalty_tier", SqlTypeName.VARCHAR),
            new ColumnType("lifetime_spend", SqlTypeName.DOUBLE),
            new ColumnType("opted_out", SqlTypeName.BOOLEAN));
    Schema schema = schema(columns);
    List<VectorSchemaRoot> batches = new ArrayList<>();
    int rows = customers.size();
    for (int start = 0; start < rows; start += BATCH_ROWS) {
      int end = Math.min(rows, start + BATCH_ROWS);
      VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
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
    return new DemoTable(columns, schema, batches);
  }

  static DemoTable impressions(Impressions impressions, BufferAllocator allocator) {
    List<ColumnType> columns =
        List.of(
            new ColumnType("impression_id", SqlTypeName.BIGINT),
            new ColumnType("email_hash", SqlTypeName.VARCHAR),
            new ColumnType("campaign_id", SqlTypeName.VARCHAR),
            new ColumnType("ts", SqlTypeName.TIMESTAMP),
            new ColumnType("clicked", SqlTypeName.BOOLEAN),
            new ColumnType("cost", SqlTypeName.DOUBLE));
    Schema schema = schema(columns);
    List<VectorSchemaRoot> batches = new ArrayList<>();
    int rows = impressions.size();
    for (int start = 0; start < rows; start += BATCH_ROWS) {
      int end = Math.min(rows, start + BATCH_ROWS);
      VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
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
    return new DemoTable(columns, schema, batches);
  }

  private static void setString(VectorSchemaRoot root, String column, int row, String value) {
    ((VarCharVector) root.getVector(column)).setSafe(row, value.getBytes(StandardCharsets.UTF_8));
  }

  private static Schema schema(List<ColumnType> columns) {
    List<Field> fields = new ArrayList<>();
    for (ColumnType column : columns) {
      ArrowType type =
          switch (column.type()) {
            case BIGINT -> new ArrowType.Int(64, true);
            case VARCHAR -> ArrowType.Utf8.INSTANCE;
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            default -> throw new IllegalArgumentException("no Arrow type for " + column.type());
          };
      boolean nullable = !column.name().equals("customer_id");
      fields.add(new Field(column.name(), new FieldType(nullable, type, null), null));
    }
    return new Schema(fields);
  }
}
