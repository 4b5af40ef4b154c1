package dev.cleanroom.engine.reference;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.QueryMemory;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.spi.TableName;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TimeZone;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.tools.RelRunner;

/**
 * Runs a private plan exactly on Calcite's enumerable engine: the reference every other engine is
 * tested against, and the server's fallback for plan shapes the vectorized executor does not
 * implement. The plan's scans are rebound to the supplied Arrow tables ({@link PlanCopier}), so the
 * plan that runs is the plan that was analysed, not a second analysis of the SQL.
 *
 * <p>Limits: every row a scan reads and every result row is charged, boxed, to the query's {@link
 * QueryMemory} (Calcite's joins, aggregates and windows hold rows that came from the scans); every
 * scanned row first checks for an interrupt. Rows follow docs/ARCHITECTURE.md's type mapping
 * (TIMESTAMP as Long millis, DATE as Integer days).
 */
public final class ReferenceEngine implements Engine {
  static {
    // Janino compilation dominates small queries; Calcite caches compiled plans by their code
    // when this is set before its system properties are first read.
    if (System.getProperty("calcite.bindable.cache.maxSize") == null) {
      System.setProperty("calcite.bindable.cache.maxSize", "256");
    }
  }

  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

  private final BufferAllocator allocator;

  /** An engine whose queries each account their memory on a child of {@code allocator}. */
  public ReferenceEngine(BufferAllocator allocator) {
    this.allocator = requireNonNull(allocator, "allocator is null");
  }

  @Override
  public String name() {
    return "reference";
  }

  @Override
  public List<Object[]> execute(
      RelNode plan, Map<TableName, ? extends TableData> tables, ExecutionLimits limits) {
    requireNonNull(plan, "plan is null");
    requireNonNull(tables, "tables is null");
    requireNonNull(limits, "limits is null");
    try (QueryMemory memory = new QueryMemory(allocator, limits.maxMemoryBytes())) {
      RelNode bindable = PlanCopier.forEnumerable(plan, tables, memory);
      Properties properties = new Properties();
      properties.setProperty("timeZone", "UTC");
      try (Connection connection = DriverManager.getConnection("jdbc:calcite:", properties)) {
        RelRunner runner = connection.unwrap(RelRunner.class);
        try (PreparedStatement statement = runner.prepareStatement(bindable);
            ResultSet resultSet = statement.executeQuery()) {
          return rows(resultSet, memory);
        }
      } catch (SQLException | RuntimeException e) {
        throw classified(e);
      }
    } catch (OutOfMemoryError e) {
      throw new ExecutionException(
          ExecutionErrorCode.MEMORY_LIMIT_EXCEEDED, "query ran out of heap memory");
    }
  }

  /**
   * The engine's own failures (a limit, an interrupt, an operator it cannot copy) pass through,
   * wherever Calcite wrapped them; anything else is an arithmetic or internal failure whose message
   * says nothing about the data.
   */
  private static ExecutionException classified(Exception e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof ExecutionException execution) {
        return new ExecutionException(execution.code(), execution.getMessage(), e);
      }
      if (cause instanceof ArithmeticException
          || cause instanceof NumberFormatException
          || cause instanceof IllegalArgumentException) {
        return new ExecutionException(
            ExecutionErrorCode.ARITHMETIC_ERROR,
            "the reference engine failed to evaluate an expression",
            e);
      }
    }
    return new ExecutionException(
        ExecutionErrorCode.INTERNAL_ERROR, "the reference engine failed to run the plan", e);
  }

  private static List<Object[]> rows(ResultSet resultSet, QueryMemory memory) throws SQLException {
    ResultSetMetaData metaData = resultSet.getMetaData();
    int columns = metaData.getColumnCount();
    List<Object[]> rows = new ArrayList<>();
    while (resultSet.next()) {
      Object[] row = new Object[columns];
      for (int i = 0; i < columns; i++) {
        row[i] = value(resultSet, metaData.getColumnType(i + 1), i + 1);
      }
      memory.reserve(BoxedRows.bytes(row));
      rows.add(row);
    }
    return rows;
  }

  private static Object value(ResultSet resultSet, int sqlType, int column) throws SQLException {
    switch (sqlType) {
      case Types.TIMESTAMP -> {
        java.sql.Timestamp timestamp = resultSet.getTimestamp(column, UTC);
        return timestamp == null ? null : timestamp.getTime();
      }
      case Types.DATE -> {
        java.sql.Date date = resultSet.getDate(column, UTC);
        return date == null ? null : (int) Math.floorDiv(date.getTime(), 86_400_000L);
      }
      default -> {
        return resultSet.getObject(column);
      }
    }
  }
}
