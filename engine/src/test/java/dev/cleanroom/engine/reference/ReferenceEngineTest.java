package dev.cleanroom.engine.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.TestTable;
import dev.cleanroom.engine.TestTable.ColumnSpec;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Calcite's enumerable engine behind the engine interface: scans read the bound Arrow data (not the
 * catalog's table), values follow the documented mapping, and the limits of every engine hold.
 */
class ReferenceEngineTest {
  private static final TableName CUSTOMERS = new TableName("retailer", "customers");
  private static final List<ColumnSpec> COLUMNS =
      List.of(
          new ColumnSpec("customer_id", SqlTypeName.BIGINT, false),
          new ColumnSpec("age", SqlTypeName.INTEGER, true),
          new ColumnSpec("spend", SqlTypeName.DOUBLE, true),
          new ColumnSpec("balance", SqlTypeName.DECIMAL, true),
          new ColumnSpec("tier", SqlTypeName.VARCHAR, true),
          new ColumnSpec("opted_out", SqlTypeName.BOOLEAN, true),
          new ColumnSpec("birthday", SqlTypeName.DATE, true),
          new ColumnSpec("joined", SqlTypeName.TIMESTAMP, true));

  // Fails the test on a leak, including a query's memory account.
  @RegisterExtension final TestAllocator memory = new TestAllocator();
  private ReferenceEngine engine;
  private final List<TestTable> opened = new ArrayList<>();

  @BeforeEach
  void open() {
    engine = new ReferenceEngine(memory.allocator());
  }

  @AfterEach
  void closeTables() {
    opened.forEach(TestTable::close);
  }

  private TestTable table(List<Object[]> rows) {
    // Two-row batches, so every scan crosses a batch boundary.
    TestTable table = new TestTable(COLUMNS, rows, 2, memory.allocator());
    opened.add(table);
    return table;
  }

  private static List<Object[]> rows(int count) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      rows.add(
          new Object[] {
            (long) i,
            i % 3 == 0 ? null : 20 + i,
            1.5 * i,
            new BigDecimal(i + ".25"),
            i % 2 == 0 ? "gold" : "silver",
            i % 4 == 0,
            19_000 + i,
            1_767_571_200_000L + i * 1_000L
          });
    }
    return rows;
  }

  /** A builder over a catalog whose table is {@code catalogTable}, not the data bound later. */
  private RelBuilder builder(TestTable catalogTable) {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    root.add("retailer", new AbstractSchema()).add("customers", catalogTable);
    return RelBuilder.create(Frameworks.newConfigBuilder().defaultSchema(root).build());
  }

  private static List<String> sorted(List<Object[]> rows) {
    return rows.stream().map(Arrays::toString).sorted().toList();
  }

  @Test
  void scan_readsTheBoundDataInTheDocumentedMapping() {
    RelNode plan = builder(table(List.of())).scan("retailer", "customers").build();
    List<Object[]> rows =
        engine.execute(plan, Map.of(CUSTOMERS, table(rows(3))), ExecutionLimits.defaults());
    assertEquals(
        List.of(
            "[0, null, 0.0, 0.25, gold, true, 19000, 1767571200000]",
            "[1, 21, 1.5, 1.25, silver, false, 19001, 1767571201000]",
            "[2, 22, 3.0, 2.25, gold, false, 19002, 1767571202000]"),
        sorted(rows));
  }

  @Test
  void aggregateOverTheBoundData_matchesTheRows() {
    RelBuilder b = builder(table(rows(1)));
    RelNode plan =
        b.scan("retailer", "customers")
            .aggregate(
                b.groupKey("tier"),
                b.countStar("rows"),
                b.sum(b.field("spend")),
                b.count(false, "ages", b.field("age")))
            .build();
    List<Object[]> rows =
        engine.execute(plan, Map.of(CUSTOMERS, table(rows(10))), ExecutionLimits.defaults());
    // gold: 0, 2, 4, 6, 8 (ages null at 0 and 6); silver: 1, 3, 5, 7, 9 (null at 3 and 9).
    assertEquals(List.of("[gold, 5, 30.0, 3]", "[silver, 5, 37.5, 3]"), sorted(rows));
  }

  @Test
  void operatorOutsideThePrivatePlanContract_isRefusedBeforeAnyRowIsRead() {
    RelNode plan = builder(table(List.of())).scan("retailer", "customers").sort(0).build();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> engine.execute(plan, Map.of(), ExecutionLimits.defaults()));
    // Refused on the plan: the missing table was never looked up.
    assertEquals(ExecutionErrorCode.UNSUPPORTED_PLAN, e.code());
  }

  @Test
  void tableNotBound_isTableNotFound() {
    RelNode plan = builder(table(List.of())).scan("retailer", "customers").build();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> engine.execute(plan, Map.of(), ExecutionLimits.defaults()));
    assertEquals(ExecutionErrorCode.TABLE_NOT_FOUND, e.code());
  }

  @Test
  void rowsBeyondTheMemoryLimit_failWithTheLimitsCode() {
    RelNode plan = builder(table(List.of())).scan("retailer", "customers").build();
    TestTable data = table(rows(2_000));
    assertEquals(
        2_000,
        engine.execute(plan, Map.of(CUSTOMERS, data), new ExecutionLimits(10L << 20, 1)).size());
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> engine.execute(plan, Map.of(CUSTOMERS, data), new ExecutionLimits(64_000, 1)));
    assertEquals(ExecutionErrorCode.MEMORY_LIMIT_EXCEEDED, e.code());
    assertEquals("query exceeded its memory limit of 64000 bytes", e.getMessage());
  }

  @Test
  void interruptedQuery_stopsWithTheInterruptCode() throws Exception {
    RelBuilder b = builder(table(List.of()));
    RelNode plan =
        b.scan("retailer", "customers")
            .filter(b.call(SqlStdOperatorTable.GREATER_THAN, b.field("spend"), b.literal(-1)))
            .build();
    TestTable data = table(rows(5_000));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread query =
        new Thread(
            () -> {
              Thread.currentThread().interrupt();
              try {
                engine.execute(plan, Map.of(CUSTOMERS, data), ExecutionLimits.defaults());
              } catch (Throwable t) {
                failure.set(t);
              }
            });
    query.start();
    query.join();
    assertTrue(failure.get() instanceof ExecutionException, String.valueOf(failure.get()));
    assertEquals(ExecutionErrorCode.INTERRUPTED, ((ExecutionException) failure.get()).code());
  }
}
