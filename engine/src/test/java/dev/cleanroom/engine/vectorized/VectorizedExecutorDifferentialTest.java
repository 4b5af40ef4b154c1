package dev.cleanroom.engine.vectorized;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.TestTable;
import dev.cleanroom.engine.TestTable.ColumnSpec;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Calendar;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TimeZone;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexWindowBounds;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.tools.RelRunner;
import org.apache.calcite.util.TimestampString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Runs private-plan-shaped plans on Calcite's enumerable engine and on the vectorized executor over
 * the same data, and requires the same rows (in any order). Doubles are multiples of 1/8 so that
 * sums are exact whatever order the engines add them in.
 */
class VectorizedExecutorDifferentialTest {
  private static final SqlUserDefinedFunction CONTRIBUTION_ORDER =
      new SqlUserDefinedFunction(
          new SqlIdentifier("CR_CONTRIBUTION_ORDER", SqlParserPos.ZERO),
          SqlKind.OTHER_FUNCTION,
          ReturnTypes.BIGINT,
          InferTypes.FIRST_KNOWN,
          OperandTypes.operandMetadata(
              List.of(SqlTypeFamily.NUMERIC, SqlTypeFamily.STRING, SqlTypeFamily.STRING),
              typeFactory ->
                  List.of(
                      typeFactory.createSqlType(SqlTypeName.BIGINT),
                      typeFactory.createSqlType(SqlTypeName.VARCHAR),
                      typeFactory.createSqlType(SqlTypeName.VARCHAR)),
              i -> "p" + i,
              i -> false),
          ScalarFunctionImpl.create(ContributionOrder.class, "order"));

  private static final SqlUserDefinedFunction KEYED_TEST_HASH =
      new SqlUserDefinedFunction(
          new SqlIdentifier(KeyedTestHash.NAME, SqlParserPos.ZERO),
          SqlKind.OTHER_FUNCTION,
          ReturnTypes.BIGINT,
          InferTypes.FIRST_KNOWN,
          OperandTypes.operandMetadata(
              List.of(
                  SqlTypeFamily.INTEGER,
                  SqlTypeFamily.INTEGER,
                  SqlTypeFamily.ANY,
                  SqlTypeFamily.ANY),
              typeFactory ->
                  List.of(
                      typeFactory.createSqlType(SqlTypeName.BIGINT),
                      typeFactory.createSqlType(SqlTypeName.BIGINT),
                      typeFactory.createSqlType(SqlTypeName.ANY),
                      typeFactory.createSqlType(SqlTypeName.ANY)),
              i -> "p" + i,
              i -> false),
          ScalarFunctionImpl.create(KeyedTestHash.class, "hash"));

  private static final List<ColumnSpec> CUSTOMERS =
      List.of(
          new ColumnSpec("customer_id", SqlTypeName.BIGINT, false),
          new ColumnSpec("email_hash", SqlTypeName.VARCHAR, true),
          new ColumnSpec("age_band", SqlTypeName.VARCHAR, true),
          new ColumnSpec("loyalty_tier", SqlTypeName.VARCHAR, true),
          new ColumnSpec("lifetime_spend", SqlTypeName.DOUBLE, true),
          new ColumnSpec("opted_out", SqlTypeName.BOOLEAN, true),
          new ColumnSpec("signup", SqlTypeName.DATE, true),
          new ColumnSpec("balance", SqlTypeName.DECIMAL, true));

  private static final List<ColumnSpec> IMPRESSIONS =
      List.of(
          new ColumnSpec("impression_id", SqlTypeName.BIGINT, false),
          new ColumnSpec("email_hash", SqlTypeName.VARCHAR, true),
          new ColumnSpec("campaign_id", SqlTypeName.VARCHAR, true),
          new ColumnSpec("ts", SqlTypeName.TIMESTAMP, true),
          new ColumnSpec("clicked", SqlTypeName.BOOLEAN, true),
          new ColumnSpec("cost", SqlTypeName.DOUBLE, true));

  private static final List<ColumnSpec> SEGMENTS =
      List.of(
          new ColumnSpec("customer_id", SqlTypeName.BIGINT, true),
          new ColumnSpec("segment", SqlTypeName.VARCHAR, true),
          new ColumnSpec("weight", SqlTypeName.INTEGER, true));

  private static final String[] AGE_BANDS = {"18-24", "25-34", "35-44", "65+"};
  private static final String[] TIERS = {"bronze", "silver", "gold"};
  private static final long FIRST_TS = 1_767_571_200_000L; // 2026-01-05T00:00:00Z

  @RegisterExtension final TestAllocator memory = new TestAllocator();
  private Connection connection;
  private SchemaPlus rootSchema;
  private final Map<TableName, TestTable> tables = new HashMap<>();
  private VectorizedExecutor executor;

  @BeforeEach
  void setUp() throws SQLException {
    executor = new VectorizedExecutor(memory.allocator());
    Properties properties = new Properties();
    properties.setProperty("timeZone", "UTC");
    connection = DriverManager.getConnection("jdbc:calcite:", properties);
    rootSchema = connection.unwrap(CalciteConnection.class).getRootSchema();
  }

  @AfterEach
  void tearDown() throws SQLException {
    tables.values().forEach(TestTable::close);
    connection.close();
  }

  @Test
  void privateJoinPlan_matchesEnumerableEngine() {
    loadDemoLikeData(600, 4_000, 1);
    assertSameRows(privateJoinPlan(2));
  }

  @Test
  void privateJoinPlanOnLargerDataInParallel_matchesEnumerableEngine() {
    loadDemoLikeData(6_000, 40_000, 2);
    assertSameRows(privateJoinPlan(3));
  }

  /**
   * Large enough that the per-unit aggregate and the ROW_NUMBER partitioning run radix partitioned
   * (more than {@link GroupIds#RADIX_MIN_ROWS} joined rows), with several partitions per thread.
   */
  @Test
  void privateJoinPlanLargeEnoughForRadixPartitioning_matchesEnumerableEngine() {
    loadDemoLikeData(60_000, 400_000, 4);
    RelBuilder b = builder();
    RelNode joined =
        b.scan("retailer", "customers")
            .scan("advertiser", "impressions")
            .join(
                JoinRelType.INNER,
                b.equals(b.field(2, 0, "email_hash"), b.field(2, 1, "email_hash")))
            .aggregate(b.groupKey(), b.count())
            .build();
    long joinedRows =
        (Long) executor.execute(joined, tables, new ExecutionLimits(1L << 30, 2)).get(0)[0];
    assertTrue(joinedRows > 2L * GroupIds.RADIX_MIN_ROWS, "joined rows: " + joinedRows);
    assertSameRows(privateJoinPlan(3));
  }

  /**
   * A registered keyed hash is computed by the executor (strings encoded once per dictionary entry,
   * longs, booleans, doubles and NULLs per row) and gives what the function's own code gives on
   * Calcite's engine; the same call without literal keys runs through Calcite's code.
   */
  @Test
  void keyedHashFunction_computedByTheExecutor_equalsTheFunctionsOwnCode() {
    loadDemoLikeData(3_000, 100, 5);
    VectorizedExecutor withNativeHash =
        new VectorizedExecutor(memory.allocator(), List.of(KeyedTestHash.function()));
    RelBuilder b = builder();
    b.scan("retailer", "customers");
    RelNode plan =
        b.project(
                b.field("customer_id"),
                b.call(
                    KEYED_TEST_HASH,
                    b.literal(7L),
                    b.literal(9L),
                    b.field("customer_id"),
                    b.field("age_band")),
                b.call(
                    KEYED_TEST_HASH,
                    b.literal(7L),
                    b.literal(9L),
                    b.field("opted_out"),
                    b.field("lifetime_spend")),
                b.call(
                    KEYED_TEST_HASH,
                    b.field("customer_id"),
                    b.literal(9L),
                    b.field("email_hash"),
                    b.literal(null)))
            .build();
    List<Object[]> expected = reference(plan);
    List<Object[]> actual = withNativeHash.execute(plan, tables, new ExecutionLimits(1L << 30, 2));
    assertEquals(counts(expected), counts(actual));
    long nullAgeBands =
        actual.stream()
            .filter(row -> row[1].equals(KeyedTestHash.hash(7, 9, row[0], null)))
            .count();
    assertTrue(nullAgeBands > 0, "some hashed values are NULL");
  }

  /** Calcite's scalar code is generated once per expression and input type, not per query. */
  @Test
  void rowByRowExpression_isCompiledOncePerExpressionAcrossQueries() {
    loadDemoLikeData(500, 100, 6);
    VectorizedExecutor fresh = new VectorizedExecutor(memory.allocator());
    ExecutionLimits limits = new ExecutionLimits(1L << 30, 2);
    List<Object[]> first = fresh.execute(hashPlan(9L), tables, limits);
    List<Object[]> second = fresh.execute(hashPlan(9L), tables, limits);
    assertEquals(1, fresh.compilations());
    assertEquals(counts(first), counts(second));
    assertEquals(counts(reference(hashPlan(9L))), counts(second));
    List<Object[]> other = fresh.execute(hashPlan(10L), tables, limits);
    assertEquals(2, fresh.compilations(), "another literal is another expression");
    assertEquals(counts(reference(hashPlan(10L))), counts(other));
  }

  /**
   * A prepared join keeps the translations between the two key columns' dictionaries both ways: the
   * first query hashing either side finds them, whichever side its inputs' sizes make it hash.
   */
  @Test
  void preparedJoin_keepsTranslationsBothWaysForTheFirstQueries() {
    loadDemoLikeData(800, 3_000, 7);
    VectorizedExecutor fresh = new VectorizedExecutor(memory.allocator());
    TestTable customers = tables.get(new TableName("retailer", "customers"));
    TestTable impressions = tables.get(new TableName("advertiser", "impressions"));
    assertFalse(fresh.prepareJoin(customers, "customer_id", impressions, "campaign_id"));
    assertFalse(fresh.prepareJoin(customers, "email_hash", impressions, "no_such_column"));
    assertFalse(fresh.prepareJoin(customers, "email_hash", customers, "email_hash"));
    assertEquals(0, fresh.translationsComputed(), "nothing to translate but two dictionaries");

    assertTrue(fresh.prepareJoin(customers, "email_hash", impressions, "email_hash"));
    assertEquals(2, fresh.translationsComputed());
    assertTrue(fresh.prepareJoin(impressions, "email_hash", customers, "email_hash"));
    assertEquals(2, fresh.translationsComputed(), "kept, not computed again");

    ExecutionLimits limits = new ExecutionLimits(1L << 30, 2);
    RelNode customersHashed = joinedCount(null);
    RelNode impressionsHashed = joinedCount("c2");
    assertEquals(
        counts(reference(customersHashed)), counts(fresh.execute(customersHashed, tables, limits)));
    assertEquals(
        counts(reference(impressionsHashed)),
        counts(fresh.execute(impressionsHashed, tables, limits)));
    assertEquals(2, fresh.translationsComputed(), "both queries used the prepared translations");

    VectorizedExecutor unprepared = new VectorizedExecutor(memory.allocator());
    unprepared.execute(customersHashed, tables, limits);
    unprepared.execute(impressionsHashed, tables, limits);
    assertEquals(2, unprepared.translationsComputed(), "each side hashed once needs its own way");
  }

  /**
   * Customers joined to impressions on the fingerprint, counted per campaign; with {@code campaign}
   * only that campaign's impressions, fewer rows than the customers' (so the join hashes them).
   */
  private RelNode joinedCount(String campaign) {
    RelBuilder b = builder();
    b.scan("retailer", "customers").scan("advertiser", "impressions");
    if (campaign != null) {
      b.filter(b.equals(b.field("campaign_id"), b.literal(campaign)));
    }
    return b.join(
            JoinRelType.INNER, b.equals(b.field(2, 0, "email_hash"), b.field(2, 1, "email_hash")))
        .aggregate(b.groupKey(b.field("campaign_id")), b.count())
        .build();
  }

  /** A keyed hash whose first key is a column: not a keyed hash the executor computes itself. */
  private RelNode hashPlan(long secondKey) {
    RelBuilder b = builder();
    return b.scan("retailer", "customers")
        .project(
            b.field("customer_id"),
            b.call(
                KEYED_TEST_HASH,
                b.field("customer_id"),
                b.literal(secondKey),
                b.field("email_hash"),
                b.field("age_band")))
        .build();
  }

  @Test
  void privateJoinPlanWithWindowOperator_matchesEnumerableEngine() {
    loadDemoLikeData(700, 5_000, 16);
    HepPlanner planner =
        new HepPlanner(
            HepProgram.builder()
                .addRuleInstance(CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW)
                .build());
    planner.setRoot(privateJoinPlan(2));
    RelNode withWindow = planner.findBestExp();
    assertTrue(withWindow.explain().contains("LogicalWindow"), withWindow::explain);
    assertSameRows(withWindow);
  }

  @Test
  void privateSingleTablePlan_matchesEnumerableEngine() {
    loadDemoLikeData(3_000, 10, 3);
    assertSameRows(privateSingleTablePlan());
  }

  /**
   * Each customer has one tier, so each unit's ROW_NUMBER partition has one row: every number is 1
   * and the order key (a function Calcite would compile and call per row) is never computed.
   */
  @Test
  void rowNumberWhereEveryPartitionHasOneRow_skipsTheOrderKey() {
    loadDemoLikeData(3_000, 10, 3);
    VectorizedExecutor fresh = new VectorizedExecutor(memory.allocator());
    RelNode plan = privateSingleTablePlan();
    List<Object[]> rows = fresh.execute(plan, tables, new ExecutionLimits(1L << 30, 2));
    assertEquals(counts(reference(plan)), counts(rows));
    assertEquals(0, fresh.compilations());
  }

  @Test
  void plainJoinPlanWithDistinctCountAsTwoAggregates_matchesEnumerableEngine() {
    loadDemoLikeData(2_000, 30_000, 4);
    RelBuilder b = builder();
    RelNode plan =
        b.scan("retailer", "customers")
            .scan("advertiser", "impressions")
            .join(
                JoinRelType.INNER,
                b.equals(b.field(2, 0, "email_hash"), b.field(2, 1, "email_hash")))
            .aggregate(
                b.groupKey(b.field("campaign_id"), b.field("age_band"), b.field("customer_id")),
                b.sum(b.field("cost")).as("cost"),
                b.count(b.field("clicked")).as("clicks"))
            .aggregate(
                b.groupKey(b.field("campaign_id"), b.field("age_band")),
                b.count().as("customers"),
                b.sum(b.field("cost")).as("cost"),
                b.sum(b.field("clicks")).as("clicks"))
            .build();
    assertSameRows(plan);
  }

  @Test
  void expressionsOnStringsDatesDecimalsAndBooleans_matchEnumerableEngine() {
    loadDemoLikeData(2_500, 10, 5);
    RelBuilder b = builder();
    b.scan("retailer", "customers");
    RexNode condition =
        b.and(
            b.or(
                b.in(b.field("age_band"), b.literal("18-24"), b.literal("65+")),
                b.between(b.field("lifetime_spend"), b.literal(10.0), b.literal(400.0)),
                b.isNull(b.field("loyalty_tier"))),
            b.call(SqlStdOperatorTable.IS_NOT_TRUE, b.field("opted_out")),
            b.greaterThanOrEqual(
                b.field("signup"),
                b.getRexBuilder()
                    .makeDateLiteral(new org.apache.calcite.util.DateString(2020, 3, 1))));
    RelNode plan =
        b.filter(condition)
            .project(
                List.of(
                    b.call(SqlStdOperatorTable.UPPER, b.field("loyalty_tier")),
                    b.call(
                        SqlStdOperatorTable.CONCAT,
                        b.call(
                            SqlStdOperatorTable.SUBSTRING,
                            b.field("email_hash"),
                            b.literal(1),
                            b.literal(2)),
                        b.literal("/")),
                    b.call(SqlStdOperatorTable.CHAR_LENGTH, b.field("age_band")),
                    b.call(
                        SqlStdOperatorTable.CASE,
                        b.greaterThan(b.field("lifetime_spend"), b.literal(100.0)),
                        b.literal(100.0),
                        b.field("lifetime_spend")),
                    b.call(SqlStdOperatorTable.MULTIPLY, b.field("balance"), b.literal(2)),
                    b.field("signup"),
                    b.call(
                        SqlStdOperatorTable.COALESCE, b.field("lifetime_spend"), b.literal(-1.0)),
                    b.call(SqlStdOperatorTable.PLUS, b.field("customer_id"), b.literal(7L))),
                List.of(
                    "tier",
                    "prefix",
                    "band_length",
                    "spend",
                    "balance2",
                    "signup",
                    "spend0",
                    "id7"))
            .aggregate(
                b.groupKey(b.field("tier"), b.field("prefix"), b.field("band_length")),
                b.count().as("n"),
                b.sum(b.field("spend")).as("spend"),
                b.sum(b.field("balance2")).as("balance"),
                b.min(b.field("signup")).as("first_signup"),
                b.max(b.field("spend0")).as("max_spend"),
                b.max(b.field("id7")).as("max_id"),
                b.count(b.field("spend")).as("spend_count"))
            .build();
    assertSameRows(plan);
  }

  @Test
  void timestampTruncationAndExtraction_matchEnumerableEngine() {
    loadDemoLikeData(50, 5_000, 6);
    RelBuilder b = builder();
    RelNode plan =
        b.scan("advertiser", "impressions")
            .project(
                List.of(
                    b.call(SqlStdOperatorTable.FLOOR, b.field("ts"), b.literal(TimeUnitRange.WEEK)),
                    b.call(
                        SqlStdOperatorTable.EXTRACT, b.literal(TimeUnitRange.HOUR), b.field("ts")),
                    b.field("campaign_id"),
                    b.field("clicked"),
                    b.call(
                        SqlStdOperatorTable.PLUS,
                        b.call(SqlStdOperatorTable.MULTIPLY, b.field("cost"), b.literal(2.0)),
                        b.literal(1.0))),
                List.of("week", "hour", "campaign_id", "clicked", "cost2"))
            .filter(b.lessThan(b.field("hour"), b.literal(20L)))
            .aggregate(
                b.groupKey(b.field("week"), b.field("campaign_id")),
                b.count().as("n"),
                b.countStar("clicks").filter(b.field("clicked")),
                b.sum(b.field("cost2")).as("cost"),
                b.max(b.field("hour")).as("last_hour"))
            .build();
    assertSameRows(plan);
  }

  /** Vectorized since Q3's time window: a timestamp plus or minus a literal day-time interval. */
  @Test
  void timestampPlusAndMinusDayTimeIntervals_matchEnumerableEngine() {
    loadDemoLikeData(50, 5_000, 6);
    RelBuilder b = builder();
    RexNode week =
        b.getRexBuilder()
            .makeIntervalLiteral(
                BigDecimal.valueOf(7L * 24 * 3600 * 1000),
                new SqlIntervalQualifier(TimeUnit.DAY, null, SqlParserPos.ZERO));
    RexNode ninetyMinutes =
        b.getRexBuilder()
            .makeIntervalLiteral(
                BigDecimal.valueOf(90L * 60 * 1000),
                new SqlIntervalQualifier(TimeUnit.MINUTE, null, SqlParserPos.ZERO));
    RelNode plan =
        b.scan("advertiser", "impressions")
            .project(
                List.of(
                    b.call(SqlStdOperatorTable.DATETIME_PLUS, b.field("ts"), week),
                    b.call(SqlStdOperatorTable.MINUS, b.field("ts"), ninetyMinutes),
                    b.field("campaign_id")),
                List.of("later", "earlier", "campaign_id"))
            .filter(
                b.greaterThan(
                    b.field("later"),
                    b.getRexBuilder()
                        .makeTimestampLiteral(new TimestampString(2026, 3, 1, 0, 0, 0), 3)))
            .aggregate(
                b.groupKey(b.field("campaign_id")),
                b.count().as("n"),
                b.min(b.field("later")).as("first_later"),
                b.max(b.field("earlier")).as("last_earlier"))
            .build();
    assertSameRows(plan);
  }

  @Test
  void likeWithLiteralPatternsAndTimestampsCastToDates_matchEnumerableEngine() {
    loadDemoLikeData(50, 5_000, 6);
    RelBuilder b = builder();
    b.scan("advertiser", "impressions");
    RexNode escape = b.literal("!");
    RelNode plan =
        b.project(
                List.of(
                    b.cast(b.field("ts"), SqlTypeName.DATE),
                    b.call(SqlStdOperatorTable.LIKE, b.field("campaign_id"), b.literal("c%1")),
                    b.not(
                        b.call(SqlStdOperatorTable.LIKE, b.field("email_hash"), b.literal("%a_%"))),
                    b.call(
                        SqlStdOperatorTable.LIKE,
                        b.call(SqlStdOperatorTable.CONCAT, b.field("campaign_id"), b.literal("_%")),
                        b.literal("%!_!%"),
                        escape),
                    b.call(
                        SqlStdOperatorTable.LIKE, b.field("email_hash"), b.literal("%1%2%3%4%5%z")),
                    b.call(SqlLibraryOperators.ILIKE, b.field("campaign_id"), b.literal("C%1"))),
                List.of("day", "c1", "no_a", "suffix", "adversarial", "c1_any_case"))
            .aggregate(
                b.groupKey(
                    b.field("day"),
                    b.field("c1"),
                    b.field("no_a"),
                    b.field("suffix"),
                    b.field("adversarial"),
                    b.field("c1_any_case")),
                b.count().as("n"))
            .build();
    List<Object[]> rows = assertSameRows(plan);
    assertTrue(rows.stream().anyMatch(row -> Boolean.TRUE.equals(row[1])));
    assertTrue(rows.stream().anyMatch(row -> Boolean.FALSE.equals(row[1])));
    assertTrue(rows.stream().allMatch(row -> Boolean.TRUE.equals(row[3]) || row[3] == null));
    assertTrue(rows.stream().allMatch(row -> Objects.equals(row[1], row[5])));
  }

  @Test
  void joinOnBigintKeyWithDuplicatesAndResidualCondition_matchesEnumerableEngine() {
    loadDemoLikeData(800, 10, 7);
    RelBuilder b = builder();
    RelNode plan =
        b.scan("retailer", "segments")
            .scan("retailer", "customers")
            .join(
                JoinRelType.INNER,
                b.and(
                    b.equals(b.field(2, 0, "customer_id"), b.field(2, 1, "customer_id")),
                    b.greaterThan(b.field(2, 0, "weight"), b.literal(1))))
            .aggregate(
                b.groupKey(b.field("segment"), b.field("loyalty_tier")),
                b.count().as("n"),
                b.sum(b.field("weight")).as("weight"),
                b.sum(b.field("balance")).as("balance"))
            .build();
    assertSameRows(plan);
  }

  @Test
  void emptyTables_matchEnumerableEngine() {
    loadDemoLikeData(0, 0, 8);
    assertSameRows(privateJoinPlan(2));
    RelBuilder b = builder();
    RelNode globalAggregate =
        b.scan("advertiser", "impressions")
            .aggregate(b.groupKey(), b.count().as("n"), b.sum(b.field("cost")).as("cost"))
            .build();
    List<Object[]> rows = assertSameRows(globalAggregate);
    assertEquals(1, rows.size());
  }

  @Test
  void queryOverItsMemoryLimit_failsWithADataIndependentMessage() {
    loadDemoLikeData(2_000, 20_000, 9);
    RelNode plan = privateJoinPlan(2);
    ExecutionLimits tight = new ExecutionLimits(64 * 1024, 2);
    ExecutionException first =
        assertThrows(ExecutionException.class, () -> executor.execute(plan, tables, tight));
    tables.values().forEach(TestTable::close);
    tables.clear();
    loadDemoLikeData(3_000, 25_000, 10);
    RelNode second = privateJoinPlan(2);
    ExecutionException again =
        assertThrows(ExecutionException.class, () -> executor.execute(second, tables, tight));
    assertEquals(ExecutionErrorCode.MEMORY_LIMIT_EXCEEDED, first.code());
    assertEquals("query exceeded its memory limit of 65536 bytes", first.getMessage());
    assertEquals(first.getMessage(), again.getMessage());
  }

  /**
   * Each query accounts its memory on its own child of the executor's allocator, limited to the
   * query's budget; the account is charged while the query runs and closed when it ends, whether
   * the query succeeded or ran out of budget.
   */
  @Test
  void eachQuery_accountsItsMemoryOnALimitedChildAllocatorThatIsClosedAfterwards() {
    loadDemoLikeData(2_000, 20_000, 9);
    RelNode plan = privateJoinPlan(2);
    try (BufferAllocator executorAllocator = new RootAllocator()) {
      VectorizedExecutor accounted = new VectorizedExecutor(executorAllocator, List.of());
      accounted.execute(plan, tables, new ExecutionLimits(1L << 30, 2));
      long peak = executorAllocator.getPeakMemoryAllocation();
      assertTrue(peak > 20_000L * 4, "the query's arrays were charged: " + peak);
      assertTrue(executorAllocator.getChildAllocators().isEmpty());
      assertEquals(0, executorAllocator.getAllocatedMemory());

      ExecutionLimits tooSmall = new ExecutionLimits(peak / 2, 2);
      ExecutionException e =
          assertThrows(ExecutionException.class, () -> accounted.execute(plan, tables, tooSmall));
      assertEquals(ExecutionErrorCode.MEMORY_LIMIT_EXCEEDED, e.code());
      assertEquals("query exceeded its memory limit of " + peak / 2 + " bytes", e.getMessage());
      assertTrue(executorAllocator.getChildAllocators().isEmpty());
      assertEquals(0, executorAllocator.getAllocatedMemory());
    }
  }

  /**
   * ROW_NUMBER without ORDER BY numbers each partition 1..size in some order: the (partition,
   * number) pairs are the same on both engines.
   */
  @Test
  void rowNumberWithoutOrderKeys_numbersEachPartitionFromOne() {
    loadDemoLikeData(300, 10, 16);
    RelBuilder b = builder();
    b.scan("retailer", "customers");
    RexNode rank =
        b.aggregateCall(SqlStdOperatorTable.ROW_NUMBER)
            .over()
            .partitionBy(b.field("age_band"))
            .rowsTo(RexWindowBounds.CURRENT_ROW)
            .toRex();
    assertSameRows(b.project(b.field("age_band"), rank).build());
  }

  @Test
  void rowNumberOverWholePartitionFrame_isRejectedAsUnsupported() {
    loadDemoLikeData(10, 10, 15);
    RelBuilder b = builder();
    b.scan("retailer", "customers");
    RexNode rank =
        b.aggregateCall(SqlStdOperatorTable.ROW_NUMBER)
            .over()
            .partitionBy(b.field("age_band"))
            .orderBy(b.field("customer_id"))
            .toRex();
    RelNode plan = b.project(b.field("customer_id"), rank).build();
    assertRejected(
        plan,
        ExecutionErrorCode.UNSUPPORTED_PLAN,
        "ROW_NUMBER over a frame other than ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW"
            + " is not supported by the executor");
  }

  @Test
  void leftJoin_keepsEachUnmatchedLeftRowOnceWithNulls_matchesEnumerableEngine() {
    loadDemoLikeData(300, 400, 11);
    RelBuilder b = builder();
    // Several impressions per key (a build side with duplicate keys), and customers without any.
    RelNode plan =
        b.scan("retailer", "customers")
            .scan("advertiser", "impressions")
            .join(
                JoinRelType.LEFT,
                b.equals(b.field(2, 0, "email_hash"), b.field(2, 1, "email_hash")))
            .aggregate(
                b.groupKey(b.field("loyalty_tier"), b.isNull(b.field("cost"))),
                b.countStar("rows"),
                b.count(false, "impressions", b.field("cost")),
                b.sum(b.field("cost")).as("cost"),
                b.max(b.field("campaign_id")).as("last_campaign"))
            .build();
    assertSameRows(plan);
  }

  @Test
  void leftJoinToOneRowPerKey_matchesEnumerableEngine() {
    loadDemoLikeData(300, 400, 13);
    RelBuilder b = builder();
    // The private plans' shape: the right side has one row per key (unique build keys).
    RelNode plan =
        b.scan("retailer", "customers")
            .scan("advertiser", "impressions")
            .aggregate(b.groupKey(b.field("email_hash")), b.countStar("n"))
            .join(
                JoinRelType.LEFT,
                b.equals(b.field(2, 0, "email_hash"), b.field(2, 1, "email_hash")))
            .aggregate(
                b.groupKey(b.field("age_band"), b.isNull(b.field("n"))),
                b.countStar("customers"),
                b.sum(b.field("n")).as("impressions"))
            .build();
    assertSameRows(plan);
  }

  @Test
  void rightJoin_isRejectedAsUnsupported() {
    loadDemoLikeData(10, 10, 11);
    RelBuilder b = builder();
    RelNode plan =
        b.scan("retailer", "customers")
            .scan("advertiser", "impressions")
            .join(
                JoinRelType.RIGHT,
                b.equals(b.field(2, 0, "email_hash"), b.field(2, 1, "email_hash")))
            .build();
    assertRejected(
        plan, ExecutionErrorCode.UNSUPPORTED_PLAN, "a RIGHT join is not supported by the executor");
  }

  @Test
  void distinctCount_isRejectedAsUnsupported() {
    loadDemoLikeData(10, 10, 12);
    RelBuilder b = builder();
    RelNode plan =
        b.scan("retailer", "customers")
            .aggregate(b.groupKey(b.field("age_band")), b.count(true, "n", b.field("customer_id")))
            .build();
    assertRejected(
        plan,
        ExecutionErrorCode.UNSUPPORTED_PLAN,
        "a DISTINCT aggregate (the plan must pre-aggregate per unit) is not supported by the executor");
  }

  @Test
  void sort_isRejectedAsUnsupported() {
    loadDemoLikeData(10, 10, 13);
    RelBuilder b = builder();
    RelNode plan = b.scan("retailer", "customers").sort(b.field("customer_id")).build();
    assertRejected(
        plan,
        ExecutionErrorCode.UNSUPPORTED_PLAN,
        "operator LogicalSort is not supported by the executor");
  }

  @Test
  void integerDivisionByZero_failsWithAMessageWithoutValues() {
    loadDemoLikeData(50, 10, 17);
    RelBuilder b = builder();
    RelNode plan =
        b.scan("retailer", "customers")
            .project(
                b.call(
                    SqlStdOperatorTable.DIVIDE,
                    b.field("customer_id"),
                    b.call(
                        SqlStdOperatorTable.MINUS, b.field("customer_id"), b.field("customer_id"))))
            .build();
    assertRejected(plan, ExecutionErrorCode.ARITHMETIC_ERROR, "division by zero");
  }

  @Test
  void arrowDataWithoutAScannedColumn_isRejectedAsAMismatch() {
    loadDemoLikeData(10, 10, 18);
    RelNode plan = builder().scan("retailer", "customers").build();
    Map<TableName, ArrowTableData> wrongData =
        Map.of(
            new TableName("retailer", "customers"),
            tables.get(new TableName("retailer", "segments")));
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> executor.execute(plan, wrongData, ExecutionLimits.defaults()));
    assertEquals(ExecutionErrorCode.COLUMN_MISMATCH, e.code());
    assertEquals(
        "column 'email_hash' of table 'retailer.customers' has no Arrow data", e.getMessage());
  }

  @Test
  void limitsWithoutMemory_areRejected() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new ExecutionLimits(0, 2));
    assertEquals("maxMemoryBytes must be > 0, was 0", e.getMessage());
  }

  /**
   * The rewrite's clamp (CASE WHEN v IS NULL THEN v WHEN v >= lo AND v <= hi THEN v WHEN v > hi
   * THEN hi ELSE lo END), which the executor runs as one loop: NULL stays NULL, NaN and -Infinity
   * become the lower bound, +Infinity the upper, in DOUBLE and BIGINT alike as Calcite's engine.
   */
  @Test
  void rewriteClampWithNullsNaNAndInfinities_matchesEnumerableEngine() {
    List<ColumnSpec> columns =
        List.of(
            new ColumnSpec("id", SqlTypeName.BIGINT, false),
            new ColumnSpec("x", SqlTypeName.DOUBLE, true),
            new ColumnSpec("n", SqlTypeName.BIGINT, true));
    double[] doubles = {
      -3.5, 0.0, 4.25, 10.0, 10.5, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY
    };
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Object x = i % 9 == 8 ? null : doubles[i % 9 % doubles.length];
      Object n = i % 7 == 6 ? null : (long) (i % 7) * 3 - 6;
      rows.add(new Object[] {(long) i, x, n});
    }
    register("retailer", "values", new TestTable(columns, rows, 16, memory.allocator()));
    RelBuilder b = builder();
    b.scan("retailer", "values");
    RexBuilder rex = b.getRexBuilder();
    RexNode x = b.field("x");
    RexNode n = b.field("n");
    RelNode plan =
        unsimplifiedProject(
            List.of(
                b.field("id"),
                rewriteClamp(
                    rex,
                    x,
                    rex.makeApproxLiteral(BigDecimal.ZERO, notNull(rex, x)),
                    rex.makeApproxLiteral(BigDecimal.TEN, notNull(rex, x))),
                rewriteClamp(
                    rex,
                    n,
                    rex.makeExactLiteral(BigDecimal.ZERO, notNull(rex, n)),
                    rex.makeExactLiteral(BigDecimal.valueOf(5), notNull(rex, n)))),
            List.of("id", "x_c", "n_c"),
            b);
    List<Object[]> actual = assertSameRows(plan);
    Map<Long, Object[]> byId = new HashMap<>();
    actual.forEach(row -> byId.put((Long) row[0], row));
    assertEquals(0.0, byId.get(0L)[1]);
    assertEquals(4.25, byId.get(2L)[1]);
    assertEquals(10.0, byId.get(4L)[1]);
    assertEquals(0.0, byId.get(5L)[1], "NaN is clamped to the lower bound");
    assertEquals(10.0, byId.get(6L)[1]);
    assertEquals(0.0, byId.get(7L)[1]);
    assertEquals(null, byId.get(8L)[1]);
    assertEquals(0L, byId.get(0L)[2]);
    assertEquals(3L, byId.get(3L)[2]);
    assertEquals(5L, byId.get(5L)[2]);
    assertEquals(null, byId.get(6L)[2]);
  }

  /**
   * The rewrite's conversion to fixed-point units, {@code CAST(x * 8192.0 + 0.5 AS BIGINT)}, run as
   * one loop, and NOT of a nullable BOOLEAN in a filter: Calcite's values for NULL, NaN,
   * infinities, negatives and values past the range of BIGINT.
   */
  @Test
  void fixedPointConversionAndNotOfNullableBoolean_matchEnumerableEngine() {
    List<ColumnSpec> columns =
        List.of(
            new ColumnSpec("id", SqlTypeName.BIGINT, false),
            new ColumnSpec("x", SqlTypeName.DOUBLE, true),
            new ColumnSpec("flag", SqlTypeName.BOOLEAN, true));
    double[] doubles = {-3.75, 0.0, 4.2, 1e9, -1e9, 0.1 + 0.2, -0.000061, 1.0 / 3, 2.5e-7};
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Object x = i % 10 == 8 ? null : doubles[i % 10 % doubles.length];
      Object flag = i % 4 == 3 ? null : i % 4 == 1;
      rows.add(new Object[] {(long) i, x, flag});
    }
    register("retailer", "values", new TestTable(columns, rows, 16, memory.allocator()));
    RelBuilder b = builder();
    RexBuilder rex = b.getRexBuilder();
    b.scan("retailer", "values");
    RexNode x = b.field("x");
    RelDataType bigint = rex.getTypeFactory().createSqlType(SqlTypeName.BIGINT);
    RexNode fixed =
        rex.makeCast(
            rex.getTypeFactory().createTypeWithNullability(bigint, true),
            b.call(
                SqlStdOperatorTable.PLUS,
                b.call(
                    SqlStdOperatorTable.MULTIPLY,
                    x,
                    rex.makeApproxLiteral(BigDecimal.valueOf(8192), notNull(rex, x))),
                rex.makeApproxLiteral(new BigDecimal("0.5"), notNull(rex, x))));
    RelNode plan =
        b.filter(b.not(b.field("flag")))
            .project(List.of(b.field("id"), fixed), List.of("id", "units"))
            .build();
    List<Object[]> actual = assertSameRows(plan);
    Map<Long, Object[]> byId = new HashMap<>();
    actual.forEach(row -> byId.put((Long) row[0], row));
    assertEquals(20, actual.size(), "FALSE flags only: NULL and TRUE drop");
    assertEquals(-30719L, byId.get(0L)[1]);
    assertEquals(34406L, byId.get(2L)[1]);
    assertEquals(-8191999999999L, byId.get(4L)[1]);
    assertEquals(null, byId.get(8L)[1]);
  }

  /**
   * The private plans' per-row steps over enough rows for two threads: a filter on a nullable
   * BOOLEAN and on its negation (each thread selects from its own range, the ranges joined in row
   * order), the clamp of a DOUBLE and of a BIGINT, and the fixed-point conversion of a clamped
   * DOUBLE run as one loop, and a CASE choosing between two literals; NULL, NaN and infinities as
   * Calcite computes them.
   */
  @Test
  void filtersClampsAndClampedFixedPointOverEnoughRowsForTwoThreads_matchEnumerableEngine() {
    List<ColumnSpec> columns =
        List.of(
            new ColumnSpec("id", SqlTypeName.BIGINT, false),
            new ColumnSpec("x", SqlTypeName.DOUBLE, true),
            new ColumnSpec("n", SqlTypeName.BIGINT, true),
            new ColumnSpec("flag", SqlTypeName.BOOLEAN, true));
    double[] doubles = {
      -3.75, 0.0, 4.2, 1e9, 0.1 + 0.2, 1.0 / 3, 99.99, Double.NaN, Double.POSITIVE_INFINITY
    };
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 50_000; i++) {
      Object x = i % 11 == 10 ? null : doubles[(i * 7) % doubles.length];
      Object n = i % 13 == 12 ? null : (long) (i % 29) - 10;
      // Runs of TRUE and FALSE of uneven lengths, so that the two halves select unequal counts.
      Object flag = i % 17 == 16 ? null : (i / 3000) % 3 == 1 || i % 5 == 0;
      rows.add(new Object[] {(long) i, x, n, flag});
    }
    register("retailer", "values", new TestTable(columns, rows, 4096, memory.allocator()));
    RelBuilder b = builder();
    RexBuilder rex = b.getRexBuilder();
    RelDataType bigint = rex.getTypeFactory().createSqlType(SqlTypeName.BIGINT);
    for (boolean negated : new boolean[] {true, false}) {
      b.scan("retailer", "values");
      b.filter(negated ? b.not(b.field("flag")) : b.field("flag"));
      RexNode x = b.field("x");
      RexNode n = b.field("n");
      RexNode clampedX =
          rewriteClamp(
              rex,
              x,
              rex.makeApproxLiteral(BigDecimal.ZERO, notNull(rex, x)),
              rex.makeApproxLiteral(BigDecimal.valueOf(100), notNull(rex, x)));
      RexNode fixed =
          rex.makeCast(
              rex.getTypeFactory().createTypeWithNullability(bigint, true),
              b.call(
                  SqlStdOperatorTable.PLUS,
                  b.call(
                      SqlStdOperatorTable.MULTIPLY,
                      clampedX,
                      rex.makeApproxLiteral(BigDecimal.valueOf(8192), notNull(rex, x))),
                  rex.makeApproxLiteral(new BigDecimal("0.5"), notNull(rex, x))));
      RexNode clampedN =
          rewriteClamp(
              rex,
              n,
              rex.makeExactLiteral(BigDecimal.ZERO, notNull(rex, n)),
              rex.makeExactLiteral(BigDecimal.TEN, notNull(rex, n)));
      // A count of a condition, as analysts write SUM(CASE WHEN ... THEN 1 ELSE 0 END); NULL n
      // makes the condition unknown (NOT leaves 1 in its NULL slots), which takes the ELSE.
      RexNode counted =
          rex.makeCall(
              SqlStdOperatorTable.CASE,
              rex.makeCall(
                  SqlStdOperatorTable.NOT,
                  rex.makeCall(
                      SqlStdOperatorTable.GREATER_THAN,
                      n,
                      rex.makeExactLiteral(BigDecimal.valueOf(3), notNull(rex, n)))),
              rex.makeExactLiteral(BigDecimal.valueOf(7), bigint),
              rex.makeExactLiteral(BigDecimal.valueOf(-2), bigint));
      RelNode plan =
          unsimplifiedProject(
              List.of(b.field("id"), fixed, clampedN, clampedX, counted),
              List.of("id", "units", "n_c", "x_c", "counted"),
              b);
      List<Object[]> actual = assertSameRows(plan);
      long expected =
          rows.stream().filter(row -> row[3] != null && (Boolean) row[3] != negated).count();
      assertEquals(expected, actual.size());
      assertTrue(actual.size() > 16_384 / 2, "rows kept: " + actual.size());
    }
  }

  /**
   * A few hundred groups over enough rows for two threads: COUNT and integer SUMs (with NULLs and
   * FILTER) are added up per range of rows and merged; with a DOUBLE SUM beside them every group is
   * accumulated by the thread that owns it. Both must give Calcite's rows.
   */
  @Test
  void fewGroupsOfExactAndInexactAggregates_matchEnumerableEngine() {
    List<ColumnSpec> columns =
        List.of(
            new ColumnSpec("g", SqlTypeName.BIGINT, false),
            new ColumnSpec("n", SqlTypeName.BIGINT, true),
            new ColumnSpec("x", SqlTypeName.DOUBLE, true),
            new ColumnSpec("flag", SqlTypeName.BOOLEAN, false),
            new ColumnSpec("tier", SqlTypeName.BIGINT, true));
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < 60_000; i++) {
      Object n = i % 11 == 3 ? null : (long) ((i * 31) % 1_000) - 200;
      Object x = i % 13 == 5 ? null : ((i * 7) % 64) / 8.0;
      Object tier = i % 17 == 4 ? null : (long) (i * 13 % 5);
      rows.add(new Object[] {(long) ((i * 7919) % 300) * 3, n, x, i % 3 == 0, tier});
    }
    register("retailer", "values", new TestTable(columns, rows, 4_096, memory.allocator()));
    RelBuilder b = builder();
    RelNode exact =
        b.scan("retailer", "values")
            .aggregate(
                b.groupKey(b.field("g")),
                b.countStar("rows"),
                b.count(b.field("n")).as("values"),
                b.sum(b.field("n")).as("total"),
                b.sum(b.field("n")).filter(b.field("flag")).as("flagged"))
            .build();
    List<Object[]> exactRows = assertSameRows(exact);
    assertEquals(300, exactRows.size());
    RelNode mixed =
        b.scan("retailer", "values")
            .aggregate(
                b.groupKey(b.field("g")),
                b.countStar("rows"),
                b.sum(b.field("n")).as("total"),
                b.sum(b.field("x")).as("spend"))
            .build();
    assertEquals(300, assertSameRows(mixed).size());
    // A handful of groups (NULL one of them): numbered by both threads, owned by one.
    for (boolean withDouble : List.of(false, true)) {
      b.scan("retailer", "values");
      List<RelBuilder.AggCall> calls = new ArrayList<>();
      calls.add(b.countStar("rows"));
      calls.add(b.sum(b.field("n")).as("total"));
      if (withDouble) {
        calls.add(b.sum(b.field("x")).as("spend"));
      }
      RelNode tiers = b.aggregate(b.groupKey(b.field("tier")), calls).build();
      assertEquals(6, assertSameRows(tiers).size());
    }
  }

  /**
   * Enough rows and groups for radix partitioning, with NULLs in every key: keys that pack into one
   * long (a nullable BIGINT with negative values, a nullable string) give their values back from
   * the packed keys of the groups, keys that do not (a BIGINT spread over more than 2^40) from the
   * groups' first rows; both as Calcite groups them.
   */
  @Test
  void manyGroupsOfNullableKeysRadixPartitioned_matchEnumerableEngine() {
    List<ColumnSpec> columns =
        List.of(
            new ColumnSpec("n", SqlTypeName.BIGINT, true),
            new ColumnSpec("s", SqlTypeName.VARCHAR, true),
            new ColumnSpec("wide", SqlTypeName.BIGINT, true),
            new ColumnSpec("x", SqlTypeName.DOUBLE, true));
    List<Object[]> rows = new ArrayList<>();
    int rowCount = 3 * GroupIds.RADIX_MIN_ROWS / 2;
    for (int i = 0; i < rowCount; i++) {
      Object n = i % 29 == 7 ? null : (long) ((i * 7919L) % 40_000) - 15_000;
      Object text = i % 31 == 2 ? null : "v" + (i * 13 % 11);
      Object wide = i % 37 == 1 ? null : ((i * 104_729L) % 50_000) * (1L << 30) - (1L << 45);
      rows.add(new Object[] {n, text, wide, (i % 17) / 4.0});
    }
    register("retailer", "values", new TestTable(columns, rows, 4_096, memory.allocator()));
    RelBuilder b = builder();
    RelNode packed =
        b.scan("retailer", "values")
            .aggregate(
                b.groupKey(b.field("n"), b.field("s")),
                b.countStar("rows"),
                b.sum(b.field("x")).as("total"))
            .build();
    List<Object[]> packedGroups = assertSameRows(packed);
    assertTrue(packedGroups.size() > GroupIds.RADIX_MIN_ROWS / 2, "groups: " + packedGroups.size());
    assertTrue(packedGroups.stream().anyMatch(row -> row[0] == null && row[1] == null));
    RelNode notPacked =
        b.scan("retailer", "values")
            .aggregate(b.groupKey(b.field("wide"), b.field("s")), b.countStar("rows"))
            .build();
    List<Object[]> wideGroups = assertSameRows(notPacked);
    assertTrue(wideGroups.size() > GroupIds.RADIX_MIN_ROWS / 2, "groups: " + wideGroups.size());
    assertTrue(wideGroups.stream().anyMatch(row -> row[0] == null));
  }

  /**
   * A CASE of the clamp's shape over dates (an analyst may write one): the executor's one-loop
   * clamp takes numbers only, so this runs as any CASE, with Calcite's results.
   */
  @Test
  void clampShapedCaseOverDates_matchesEnumerableEngine() {
    loadDemoLikeData(300, 10, 21);
    RelBuilder b = builder();
    b.scan("retailer", "customers");
    RexBuilder rex = b.getRexBuilder();
    RexNode signup = b.field("signup");
    RelNode plan =
        b.project(
                List.of(
                    b.field("customer_id"),
                    rewriteClamp(
                        rex,
                        signup,
                        rex.makeDateLiteral(new org.apache.calcite.util.DateString("2025-03-01")),
                        rex.makeDateLiteral(new org.apache.calcite.util.DateString("2025-09-01")))),
                List.of("customer_id", "signup_c"))
            .build();
    assertSameRows(plan);
  }

  private static RelDataType notNull(RexBuilder rex, RexNode value) {
    return rex.getTypeFactory().createTypeWithNullability(value.getType(), false);
  }

  /** The clamp as the rewrite writes it, through the RexBuilder (no simplification). */
  /**
   * The builder's top as the input of a projection of {@code projects}, kept as written: {@link
   * RelBuilder#project} would simplify a clamp's CASE into a SEARCH, a shape the rewrite never
   * produces.
   */
  private static RelNode unsimplifiedProject(
      List<RexNode> projects, List<String> names, RelBuilder b) {
    return LogicalProject.create(b.build(), List.of(), projects, names, Set.of());
  }

  private static RexNode rewriteClamp(RexBuilder rex, RexNode value, RexNode lower, RexNode upper) {
    return rex.makeCall(
        SqlStdOperatorTable.CASE,
        rex.makeCall(SqlStdOperatorTable.IS_NULL, value),
        value,
        rex.makeCall(
            SqlStdOperatorTable.AND,
            rex.makeCall(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, value, lower),
            rex.makeCall(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, value, upper)),
        value,
        rex.makeCall(SqlStdOperatorTable.GREATER_THAN, value, upper),
        upper,
        lower);
  }

  @Test
  void tableNotSupplied_isRejected() {
    loadDemoLikeData(10, 10, 14);
    RelNode plan = builder().scan("retailer", "customers").build();
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> executor.execute(plan, Map.of(), ExecutionLimits.defaults()));
    assertEquals(ExecutionErrorCode.TABLE_NOT_FOUND, e.code());
    assertEquals("table 'retailer.customers' was not supplied to the engine", e.getMessage());
  }

  // ---- plans ----------------------------------------------------------------------------

  /** The rewrite's shape for Q1: join, per-unit aggregate, clamp, ROW_NUMBER, final aggregate. */
  private RelNode privateJoinPlan(int maxGroupsContributed) {
    RelBuilder b = builder();
    b.scan("retailer", "customers")
        .filter(b.call(SqlStdOperatorTable.IS_FALSE, b.field("opted_out")))
        .scan("advertiser", "impressions")
        .join(JoinRelType.INNER, b.equals(b.field(2, 0, "email_hash"), b.field(2, 1, "email_hash")))
        .filter(b.notEquals(b.field("campaign_id"), b.literal("c4")))
        .project(
            List.of(
                b.field("customer_id"),
                b.field("campaign_id"),
                b.field("age_band"),
                b.field("cost"),
                b.call(
                    SqlStdOperatorTable.CASE,
                    b.call(SqlStdOperatorTable.IS_TRUE, b.field("clicked")),
                    b.literal(1L),
                    b.literal(0L))),
            List.of("unit", "campaign_id", "age_band", "cost", "click"))
        .aggregate(
            b.groupKey(b.field("unit"), b.field("campaign_id"), b.field("age_band")),
            b.sum(b.field("cost")).as("cost_sum"),
            b.count().as("rows"),
            b.sum(b.field("click")).as("clicks"));
    RexNode rank =
        b.aggregateCall(SqlStdOperatorTable.ROW_NUMBER)
            .over()
            .rowsTo(RexWindowBounds.CURRENT_ROW)
            .partitionBy(b.field("unit"))
            .orderBy(
                b.call(
                    CONTRIBUTION_ORDER,
                    b.field("unit"),
                    b.field("campaign_id"),
                    b.field("age_band")))
            .toRex();
    b.project(
        List.of(
            b.field("unit"),
            b.field("campaign_id"),
            b.field("age_band"),
            clamp(b, b.field("cost_sum"), b.literal(0.0), b.literal(1.5)),
            clamp(b, b.field("rows"), b.literal(0L), b.literal(3L)),
            clamp(b, b.field("clicks"), b.literal(0L), b.literal(1L)),
            rank),
        List.of("unit", "campaign_id", "age_band", "cost_c", "rows_c", "clicks_c", "rank"));
    return b.filter(b.lessThanOrEqual(b.field("rank"), b.literal(maxGroupsContributed)))
        .project(
            b.field("campaign_id"),
            b.field("age_band"),
            b.field("cost_c"),
            b.field("rows_c"),
            b.field("clicks_c"))
        .aggregate(
            b.groupKey(b.field("campaign_id"), b.field("age_band")),
            b.sum(b.field("cost_c")).as("cost"),
            b.sum(b.field("rows_c")).as("impressions"),
            b.sum(b.field("clicks_c")).as("clicks"),
            b.count().as("distinct_units"))
        .build();
  }

  /** The rewrite's shape for Q2: one table, per-unit aggregate, clamp, one group per unit. */
  private RelNode privateSingleTablePlan() {
    RelBuilder b = builder();
    b.scan("retailer", "customers")
        .filter(b.call(SqlStdOperatorTable.IS_FALSE, b.field("opted_out")))
        .project(
            List.of(b.field("customer_id"), b.field("loyalty_tier"), b.field("lifetime_spend")),
            List.of("unit", "loyalty_tier", "spend"))
        .aggregate(
            b.groupKey(b.field("unit"), b.field("loyalty_tier")),
            b.sum(b.field("spend")).as("spend"),
            b.count().as("rows"));
    RexNode rank =
        b.aggregateCall(SqlStdOperatorTable.ROW_NUMBER)
            .over()
            .rowsTo(RexWindowBounds.CURRENT_ROW)
            .partitionBy(b.field("unit"))
            .orderBy(
                b.call(
                    CONTRIBUTION_ORDER,
                    b.field("unit"),
                    b.field("loyalty_tier"),
                    b.field("loyalty_tier")))
            .toRex();
    b.project(
        List.of(
            b.field("loyalty_tier"),
            clamp(b, b.field("spend"), b.literal(0.0), b.literal(500.0)),
            clamp(b, b.field("rows"), b.literal(0L), b.literal(1L)),
            rank),
        List.of("loyalty_tier", "spend_c", "rows_c", "rank"));
    return b.filter(b.lessThanOrEqual(b.field("rank"), b.literal(1)))
        .aggregate(
            b.groupKey(b.field("loyalty_tier")),
            b.sum(b.field("spend_c")).as("spend"),
            b.sum(b.field("rows_c")).as("customers"),
            b.count().as("distinct_units"))
        .build();
  }

  private static RexNode clamp(RelBuilder b, RexNode value, RexNode lower, RexNode upper) {
    return b.call(
        SqlStdOperatorTable.CASE,
        b.lessThan(value, lower),
        lower,
        b.greaterThan(value, upper),
        upper,
        value);
  }

  // ---- data and engines -------------------------------------------------------------------

  private void loadDemoLikeData(int customerCount, int impressionCount, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Object[]> customers = new ArrayList<>();
    for (int i = 0; i < customerCount; i++) {
      String emailHash =
          random.nextInt(100) < 3 ? null : String.format("%064x", i * 2_654_435_761L);
      if (i % 97 == 5) {
        emailHash = String.format("%064x", (i - 1) * 2_654_435_761L); // a fingerprint twice
      }
      customers.add(
          new Object[] {
            1_000_000L + i,
            emailHash,
            random.nextInt(100) < 5 ? null : AGE_BANDS[random.nextInt(AGE_BANDS.length)],
            random.nextInt(100) < 4 ? null : TIERS[random.nextInt(TIERS.length)],
            random.nextInt(100) < 5 ? null : random.nextInt(4_000) / 8.0,
            random.nextInt(100) < 3 ? null : random.nextInt(100) < 10,
            random.nextInt(100) < 3 ? null : 18_000 + random.nextInt(3_000),
            random.nextInt(100) < 3 ? null : BigDecimal.valueOf(random.nextInt(1_000_000), 2)
          });
    }
    List<Object[]> impressions = new ArrayList<>();
    for (int i = 0; i < impressionCount; i++) {
      String emailHash;
      int draw = random.nextInt(100);
      if (draw < 2) {
        emailHash = null;
      } else if (draw < 80 && customerCount > 0) {
        double u = random.nextDouble();
        emailHash = String.format("%064x", (int) (u * u * customerCount) * 2_654_435_761L);
      } else {
        emailHash = String.format("%064x", -1L - random.nextInt(1_000));
      }
      impressions.add(
          new Object[] {
            5_000_000_000L + i,
            emailHash,
            random.nextInt(100) < 3 ? null : "c" + (1 + random.nextInt(6)),
            random.nextInt(100) < 2 ? null : FIRST_TS + random.nextLong(84L * 24 * 3_600_000L),
            random.nextInt(100) < 2 ? null : random.nextInt(100) < 20,
            random.nextInt(100) < 3 ? null : random.nextInt(80) / 8.0
          });
    }
    List<Object[]> segments = new ArrayList<>();
    for (int i = 0; i < customerCount; i++) {
      int copies = random.nextInt(3);
      for (int c = 0; c < copies; c++) {
        segments.add(
            new Object[] {
              random.nextInt(100) < 3 ? null : 1_000_000L + i,
              random.nextInt(100) < 3 ? null : "s" + random.nextInt(4),
              random.nextInt(100) < 3 ? null : random.nextInt(5)
            });
      }
    }
    register(
        "retailer", "customers", new TestTable(CUSTOMERS, customers, 1_000, memory.allocator()));
    register(
        "advertiser",
        "impressions",
        new TestTable(IMPRESSIONS, impressions, 4_096, memory.allocator()));
    register("retailer", "segments", new TestTable(SEGMENTS, segments, 700, memory.allocator()));
  }

  private void register(String member, String dataset, TestTable table) {
    SchemaPlus memberSchema = rootSchema.getSubSchema(member);
    if (memberSchema == null) {
      memberSchema = rootSchema.add(member, new AbstractSchema());
    }
    memberSchema.add(dataset, table);
    tables.put(new TableName(member, dataset), table);
  }

  private RelBuilder builder() {
    return RelBuilder.create(Frameworks.newConfigBuilder().defaultSchema(rootSchema).build());
  }

  private List<Object[]> assertSameRows(RelNode plan) {
    List<Object[]> expected = reference(plan);
    List<Object[]> actual = executor.execute(plan, tables, new ExecutionLimits(1L << 30, 2));
    assertEquals(counts(expected), counts(actual), () -> "plan:\n" + plan.explain());
    List<Object[]> sequential = executor.execute(plan, tables, new ExecutionLimits(1L << 30, 1));
    assertEquals(counts(expected), counts(sequential));
    return actual;
  }

  private void assertRejected(RelNode plan, ExecutionErrorCode code, String message) {
    ExecutionException e =
        assertThrows(
            ExecutionException.class,
            () -> executor.execute(plan, tables, ExecutionLimits.defaults()));
    assertEquals(code, e.code());
    assertEquals(message, e.getMessage());
  }

  private static Map<List<Object>, Integer> counts(List<Object[]> rows) {
    Map<List<Object>, Integer> counts = new HashMap<>();
    for (Object[] row : rows) {
      counts.merge(Arrays.asList(row), 1, Integer::sum);
    }
    return counts;
  }

  private List<Object[]> reference(RelNode plan) {
    Calendar utc = Calendar.getInstance(TimeZone.getTimeZone("UTC"));
    List<RelDataType> types = new ArrayList<>();
    plan.getRowType().getFieldList().forEach(field -> types.add(field.getType()));
    try (PreparedStatement statement = connection.unwrap(RelRunner.class).prepareStatement(plan);
        ResultSet resultSet = statement.executeQuery()) {
      List<Object[]> rows = new ArrayList<>();
      while (resultSet.next()) {
        Object[] row = new Object[types.size()];
        for (int c = 0; c < row.length; c++) {
          Object value = resultSet.getObject(c + 1);
          if (value != null) {
            row[c] =
                switch (types.get(c).getSqlTypeName()) {
                  case TIMESTAMP -> resultSet.getTimestamp(c + 1, utc).getTime();
                  case DATE ->
                      (int) Math.floorDiv(resultSet.getDate(c + 1, utc).getTime(), 86_400_000L);
                  case INTEGER -> ((Number) value).intValue();
                  case BIGINT -> ((Number) value).longValue();
                  case DOUBLE -> ((Number) value).doubleValue();
                  default -> value;
                };
          }
        }
        rows.add(row);
      }
      return rows;
    } catch (SQLException e) {
      throw new AssertionError("the reference engine failed", e);
    }
  }
}
