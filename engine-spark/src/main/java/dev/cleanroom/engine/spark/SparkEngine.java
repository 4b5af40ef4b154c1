package dev.cleanroom.engine.spark;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.ParquetTableData;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.Dataset;
import org.apache.spark.sql.connect.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Runs the private plan on Apache Spark through Spark Connect: the plan becomes DataFrame
 * operations (never SQL text) over the Parquet files of each scanned table version, Spark computes
 * the exact rows outside the server's process, and they come back in the engines' Java mapping. The
 * contribution key travels sealed ({@link SecretSealer}). Thread-safe: one Connect session serves
 * every query, each query's operations carry their own tag, by which an interrupt cancels them.
 *
 * <p>The session runs with {@code spark.sql.ansi.enabled=true}: an integer overflow (in SUM, in
 * arithmetic, in a cast to the plan's type) must fail as it fails in the other engines, where
 * Spark's non-ANSI mode wraps around silently and would answer a different number. Where Calcite's
 * own code does not fail (a DOUBLE cast to an integer type, which Java narrows), the translation
 * says so explicitly.
 */
public final class SparkEngine implements Engine {
  /**
   * The Spark session settings this engine needs: ANSI arithmetic (above), exact column names, UTC
   * and the redaction of the sealed key's literal from EXPLAIN and the Spark UI (spark-runtime's
   * {@code ContributionOrder.SEALED_KEY_REDACTION_REGEX}).
   */
  public static final Map<String, String> SESSION_SETTINGS =
      Map.of(
          "spark.sql.ansi.enabled", "true",
          "spark.sql.caseSensitive", "true",
          "spark.sql.session.timeZone", "UTC",
          "spark.sql.redaction.string.regex", "0x01[0-9A-Fa-f]{60,}");

  private static final Duration AVAILABILITY_TIMEOUT = Duration.ofSeconds(10);

  private final SparkSession session;
  private final SecretSealer sealer;
  private final ExecutorService operations =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "spark-engine-operation");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean configured;
  // Parquet locations whose columns were found as the plan reads them: a location is one
  // immutable table version, so it is checked once.
  private final Set<String> checkedScans = ConcurrentHashMap.newKeySet();

  /**
   * An engine on the Spark Connect server at {@code remote} ({@code sc://host:port}); connects on
   * first use.
   */
  public SparkEngine(String remote, SecretSealer sealer) {
    requireNonNull(remote, "remote is null");
    this.sealer = requireNonNull(sealer, "sealer is null");
    this.session = SparkSession.builder().remote(remote).create();
  }

  @Override
  public String name() {
    return "spark";
  }

  @Override
  public Class<? extends TableData> reads() {
    return ParquetTableData.class;
  }

  @Override
  public void checkAvailable() {
    Future<?> ping =
        operations.submit(
            () -> {
              configure();
              return session.version();
            });
    try {
      ping.get(AVAILABILITY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      ping.cancel(true);
      Thread.currentThread().interrupt();
      throw new ExecutionException(
          ExecutionErrorCode.INTERRUPTED, "interrupted while reaching the Spark Connect server");
    } catch (TimeoutException e) {
      ping.cancel(true);
      throw unavailable();
    } catch (java.util.concurrent.ExecutionException e) {
      throw unavailable();
    }
  }

  @Override
  public List<Object[]> execute(
      RelNode plan, Map<TableName, ? extends TableData> tables, ExecutionLimits limits) {
    requireNonNull(plan, "plan is null");
    requireNonNull(tables, "tables is null");
    requireNonNull(limits, "limits is null");
    // Translated before anything runs: a refusal depends on the plan alone.
    PlanTranslator translator =
        new PlanTranslator(session, tables, sealer, plan.getCluster().getRexBuilder());
    Dataset<Row> frame = translator.translate(plan);
    String tag = "cleanroom-" + UUID.randomUUID();
    Future<List<Row>> run =
        operations.submit(
            () -> {
              configure();
              session.addTag(tag);
              try {
                checkScans(translator.scans());
                return frame.collectAsList();
              } finally {
                session.removeTag(tag);
              }
            });
    List<Row> rows;
    try {
      rows = run.get();
    } catch (InterruptedException e) {
      session.interruptTag(tag);
      run.cancel(true);
      Thread.currentThread().interrupt();
      throw new ExecutionException(ExecutionErrorCode.INTERRUPTED, "the query was interrupted");
    } catch (CancellationException e) {
      throw new ExecutionException(ExecutionErrorCode.INTERRUPTED, "the query was cancelled");
    } catch (java.util.concurrent.ExecutionException e) {
      throw failure(e.getCause());
    }
    return convert(rows, plan.getRowType());
  }

  /** Sets the session's settings once (a round trip each, so not in the constructor). */
  private void configure() {
    if (configured) {
      return;
    }
    synchronized (this) {
      if (!configured) {
        SESSION_SETTINGS.forEach((key, value) -> session.conf().set(key, value));
        configured = true;
      }
    }
  }

  /**
   * Each scanned column is in the Parquet files under its declared name with the plan's type, or
   * the query fails with {@code COLUMN_MISMATCH} naming it (before any row is read).
   */
  private void checkScans(List<PlanTranslator.ScanCheck> scans) {
    for (PlanTranslator.ScanCheck scan : scans) {
      String checked = scan.location() + "\n" + scan.columns();
      if (checkedScans.contains(checked)) {
        continue;
      }
      StructType schema = scan.files().schema();
      Map<String, DataType> stored = new LinkedHashMap<>();
      for (StructField field : schema.fields()) {
        stored.put(field.name(), field.dataType());
      }
      for (RelDataTypeField column : scan.columns()) {
        DataType expected = PlanTranslator.sparkType(column.getType());
        if (!expected.equals(stored.get(column.getName()))) {
          throw new ExecutionException(
              ExecutionErrorCode.COLUMN_MISMATCH,
              "column '"
                  + column.getName()
                  + "' of table '"
                  + scan.table()
                  + "' is missing from its Parquet files or has another type than "
                  + column.getType().getSqlTypeName());
        }
      }
      checkedScans.add(checked);
    }
  }

  private static List<Object[]> convert(List<Row> rows, RelDataType rowType) {
    List<RelDataTypeField> fields = rowType.getFieldList();
    List<Object[]> converted = new ArrayList<>(rows.size());
    for (Row row : rows) {
      Object[] values = new Object[fields.size()];
      for (int i = 0; i < fields.size(); i++) {
        Object value = row.get(i);
        RelDataType type = fields.get(i).getType();
        if (value instanceof BigDecimal decimal && type.getSqlTypeName() == SqlTypeName.DECIMAL) {
          value = decimal.setScale(type.getScale());
        }
        values[i] = value;
      }
      converted.add(values);
    }
    return converted;
  }

  /**
   * A Spark failure as the engines report it: by its Spark error condition, never with Spark's
   * message, which may quote a value.
   */
  private static ExecutionException failure(Throwable cause) {
    if (cause instanceof ExecutionException execution) {
      return execution;
    }
    String condition = cause instanceof SparkThrowable spark ? spark.getCondition() : null;
    if (condition == null) {
      if (cause != null
          && cause.getClass().getSimpleName().equals("StatusRuntimeException")
          && String.valueOf(cause.getMessage()).startsWith("UNAVAILABLE")) {
        return unavailable();
      }
      return new ExecutionException(
          ExecutionErrorCode.INTERNAL_ERROR,
          "Spark failed to run the plan ("
              + (cause == null ? "no cause" : cause.getClass().getSimpleName())
              + ")");
    }
    if (condition.startsWith("ARITHMETIC_OVERFLOW")
        || condition.startsWith("DIVIDE_BY_ZERO")
        || condition.startsWith("CAST_OVERFLOW")
        || condition.startsWith("CAST_INVALID_INPUT")
        || condition.startsWith("NUMERIC_VALUE_OUT_OF_RANGE")
        || condition.startsWith("INTERVAL_ARITHMETIC_OVERFLOW")
        || condition.startsWith("DATETIME_OVERFLOW")) {
      return new ExecutionException(
          ExecutionErrorCode.ARITHMETIC_ERROR,
          "an expression failed to evaluate on a row (Spark: " + condition + ")");
    }
    if (condition.startsWith("PATH_NOT_FOUND")) {
      return new ExecutionException(
          ExecutionErrorCode.TABLE_NOT_FOUND, "a scanned table's Parquet files are missing");
    }
    if (condition.startsWith("OPERATION_CANCELED")) {
      return new ExecutionException(ExecutionErrorCode.INTERRUPTED, "the query was cancelled");
    }
    return new ExecutionException(
        ExecutionErrorCode.INTERNAL_ERROR, "Spark failed to run the plan (" + condition + ")");
  }

  private static ExecutionException unavailable() {
    return new ExecutionException(
        ExecutionErrorCode.ENGINE_UNAVAILABLE, "the Spark Connect server does not answer");
  }
}
