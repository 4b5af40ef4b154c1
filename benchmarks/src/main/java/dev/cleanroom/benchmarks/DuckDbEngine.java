package dev.cleanroom.benchmarks;

import dev.cleanroom.engine.ArrowTableData;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.duckdb.DuckDBConnection;

/** DuckDB in process, given the same Arrow batches through its Arrow stream registration. */
final class DuckDbEngine implements AutoCloseable {
  private final Connection connection;

  DuckDbEngine(int threads, String memoryLimit) throws SQLException {
    connection = DriverManager.getConnection("jdbc:duckdb:");
    try (Statement statement = connection.createStatement()) {
      statement.execute("SET threads TO " + threads);
      // The JVM, the Arrow batches and DuckDB's copy share one machine: keep DuckDB bounded.
      statement.execute("SET memory_limit = '" + memoryLimit + "'");
      statement.execute("CREATE SCHEMA retailer");
      statement.execute("CREATE SCHEMA advertiser");
    }
  }

  /** Copies {@code table} into DuckDB's own storage by streaming its Arrow batches. */
  void load(String qualifiedName, ArrowTableData table, BufferAllocator allocator)
      throws SQLException {
    String streamName = qualifiedName.replace('.', '_') + "_arrow";
    try (ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      Data.exportArrayStream(
          allocator, new BatchListReader(allocator, table.schema(), table.batches()), stream);
      connection.unwrap(DuckDBConnection.class).registerArrowStream(streamName, stream);
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE " + qualifiedName + " AS SELECT * FROM " + streamName);
      }
    }
  }

  /** The connection, for statements that return nothing (exports). */
  Connection connection() {
    return connection;
  }

  List<Object[]> query(String sql) throws SQLException {
    try (Statement statement = connection.createStatement();
        ResultSet resultSet = statement.executeQuery(sql)) {
      int width = resultSet.getMetaData().getColumnCount();
      List<Object[]> rows = new ArrayList<>();
      while (resultSet.next()) {
        Object[] row = new Object[width];
        for (int c = 0; c < width; c++) {
          row[c] = resultSet.getObject(c + 1);
        }
        rows.add(row);
      }
      return rows;
    }
  }

  @Override
  public void close() throws SQLException {
    connection.close();
  }
}
