package dev.cleanroom.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.engine.ColumnValues;
import dev.cleanroom.spi.ColumnType;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class InMemoryTableTest {
  /** One column of every declared type, named after it. */
  private static final DatasetSchema EVERY_TYPE =
      new DatasetSchema(
          Arrays.stream(ColumnType.Kind.values())
              .map(
                  kind ->
                      new ColumnDefinition(
                          kind.name().toLowerCase(Locale.ROOT),
                          kind == ColumnType.Kind.DECIMAL
                              ? ColumnType.decimal(12, 2)
                              : new ColumnType(kind, 0, 0)))
              .toList());

  /** Values in the order of the kinds: BIGINT, INTEGER, DOUBLE, DECIMAL, VARCHAR, ... */
  private static final List<Object[]> ROWS =
      List.of(
          new Object[] {
            1L, 34, 120.5, new BigDecimal("12.30"), "gold", false, 19_000, 1_767_571_200_000L
          },
          new Object[] {-2L, null, -0.5, new BigDecimal("-1.05"), "", true, -1, -1L},
          new Object[] {null, null, null, null, null, null, null, null},
          new Object[] {
            Long.MAX_VALUE,
            Integer.MIN_VALUE,
            1e300,
            BigDecimal.ZERO.setScale(2),
            "Zürich",
            null,
            0,
            0L
          },
          new Object[] {5L, 5, 5.0, new BigDecimal("5.00"), "five", true, 5, 5_000L});

  @RegisterExtension final TestAllocator memory = new TestAllocator();

  /** Every row as the engines read it back, batch after batch. */
  private static List<String> readBack(InMemoryTable table) {
    List<String> rows = new ArrayList<>();
    for (VectorSchemaRoot batch : table.batches()) {
      for (int row = 0; row < batch.getRowCount(); row++) {
        Object[] values = new Object[batch.getFieldVectors().size()];
        for (int column = 0; column < values.length; column++) {
          values[column] = ColumnValues.valueAt(batch.getVector(column), row);
        }
        rows.add(Arrays.toString(values));
      }
    }
    return rows;
  }

  @Test
  void rows_readBackAsWrittenInEveryDeclaredType() {
    try (InMemoryTable table = InMemoryTable.of(EVERY_TYPE, ROWS, 2, memory.allocator())) {
      assertEquals(3, table.batches().size());
      assertEquals(5, table.rowCount());
      assertEquals(ROWS.stream().map(Arrays::toString).toList(), readBack(table));
    }
  }

  @Test
  void noRows_makeOneEmptyBatch() {
    try (InMemoryTable table = InMemoryTable.of(EVERY_TYPE, List.of(), memory.allocator())) {
      assertEquals(1, table.batches().size());
      assertEquals(0, table.rowCount());
    }
  }

  @Test
  void rowType_isTheDeclaredTypesAllNullable() {
    try (InMemoryTable table = InMemoryTable.of(EVERY_TYPE, List.of(), memory.allocator())) {
      assertEquals(
          "RecordType(BIGINT bigint, INTEGER integer, DOUBLE double, DECIMAL(12, 2) decimal,"
              + " VARCHAR varchar, BOOLEAN boolean, DATE date, TIMESTAMP(3) timestamp)",
          table.getRowType(new JavaTypeFactoryImpl()).toString());
      assertEquals(EVERY_TYPE.arrowSchema(), table.schema());
    }
  }

  @Test
  void valueOfAnotherType_isRefusedNamingItsColumn() {
    List<Object[]> rows = new ArrayList<>(ROWS);
    rows.set(2, new Object[] {1L, 42L, null, null, null, null, null, null});

    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> InMemoryTable.of(EVERY_TYPE, rows, 2, memory.allocator()));
    assertEquals("column 'integer' is INTEGER, but a row holds a Long", e.getMessage());
  }

  @Test
  void rowOfAnotherWidth_isRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                InMemoryTable.of(
                    EVERY_TYPE, List.<Object[]>of(new Object[] {1L}), memory.allocator()));
    assertEquals("a row has 1 values for 8 columns", e.getMessage());
  }

  @Test
  void ingestedCsv_holdsTheSameValuesAsTheRows() {
    String csv =
        String.join(",", EVERY_TYPE.names())
            + "\n1,34,120.5,12.30,gold,false,2022-01-08,2026-01-05 00:00:00"
            + "\n-2,,-0.5,-1.05,\"\",true,1969-12-31,1969-12-31 23:59:59.999\n";

    try (InMemoryTable ingested = InMemoryTable.ingested(EVERY_TYPE, csv, 1, memory.allocator());
        InMemoryTable written =
            InMemoryTable.of(EVERY_TYPE, ROWS.subList(0, 2), memory.allocator())) {
      assertEquals(2, ingested.batches().size());
      assertEquals(readBack(written), readBack(ingested));
    }
  }

  @Test
  void batchesWrittenElsewhere_areOwnedAndClosedByTheTable() {
    DatasetSchema declared = DatasetSchema.of(new ColumnDefinition("id", ColumnType.BIGINT));
    VectorSchemaRoot batch = VectorSchemaRoot.create(declared.arrowSchema(), memory.allocator());
    batch.allocateNew();
    batch.setRowCount(3);

    InMemoryTable table = InMemoryTable.ofBatches(declared, List.of(batch));
    assertEquals(3, table.rowCount());
    table.close();

    assertEquals(0, memory.allocator().getAllocatedMemory());
  }

  @Test
  void batchesOfAnotherSchema_areRefused() {
    Schema other =
        new Schema(
            List.of(new Field("id", FieldType.notNullable(new ArrowType.Int(64, true)), null)));
    DatasetSchema declared = DatasetSchema.of(new ColumnDefinition("id", ColumnType.BIGINT));
    try (VectorSchemaRoot batch = VectorSchemaRoot.create(other, memory.allocator())) {
      assertThrows(
          IllegalArgumentException.class, () -> InMemoryTable.ofBatches(declared, List.of(batch)));
    }
  }
}
