package dev.cleanroom.querypolicy.engine;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
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
import java.util.Properties;
import java.util.TimeZone;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.tools.RelRunner;

/**
 * Runs a private plan exactly on Calcite's enumerable engine: the reference every other engine is
 * tested against. Rows follow docs/ARCHITECTURE.md's type mapping (TIMESTAMP as Long millis, DATE
 * as Integer days).
 */
public final class ReferenceEngine implements AutoCloseable {
  static {
    // Janino compilation dominates small queries; Calcite caches compiled plans by their code
    // when this is set before its system properties are first read.
    if (System.getProperty("calcite.bindable.cache.maxSize") == null) {
      System.setProperty("calcite.bindable.cache.maxSize", "256");
    }
  }

  private static final Calendar UTC = Calendar.getInstance(TimeZone.getTimeZone("UTC"));

  private final Connection connection;

  public ReferenceEngine() {
    Properties properties = new Properties();
    properties.setProperty("timeZone", "UTC");
    try {
      this.connection = DriverManager.getConnection("jdbc:calcite:", properties);
    } catch (SQLException e) {
      throw new IllegalStateException("Calcite's JDBC driver is on the classpath", e);
    }
  }

  /**
   * Runs a plan and returns its rows.
   *
   * @throws PolicyException {@link PolicyErrorCode#EXECUTION_FAILED}, with a message that says
   *     nothing about the data
   */
  public synchronized List<Object[]> execute(RelNode privatePlan) {
    requireNonNull(privatePlan, "privatePlan is null");
    RelNode bindable = PlanCopier.forEnumerable(privatePlan);
    try {
      RelRunner runner = connection.unwrap(RelRunner.class);
      try (PreparedStatement statement = runner.prepareStatement(bindable);
          ResultSet resultSet = statement.executeQuery()) {
        return rows(resultSet);
      }
    } catch (SQLException | RuntimeException e) {
      throw new PolicyException(
          PolicyErrorCode.EXECUTION_FAILED, "the reference engine failed to run the plan", e);
    }
  }

  private static List<Object[]> rows(ResultSet resultSet) throws SQLException {
    ResultSetMetaData metaData = resultSet.getMetaData();
    int columns = metaData.getColumnCount();
    List<Object[]> rows = new ArrayList<>();
    while (resultSet.next()) {
      Object[] row = new Object[columns];
      for (int i = 0; i < columns; i++) {
        row[i] = value(resultSet, metaData.getColumnType(i + 1), i + 1);
      }
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

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      throw new IllegalStateException("closing the reference engine failed", e);
    }
  }
}
