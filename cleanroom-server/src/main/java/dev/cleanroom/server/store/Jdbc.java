package dev.cleanroom.server.store;

import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Runs work in one JDBC transaction: committed when the work returns, rolled back otherwise. */
@ApplicationScoped
public class Jdbc {
  private final DataSource dataSource;

  @Inject
  public Jdbc(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Work inside a transaction. */
  @FunctionalInterface
  public interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  public <T> T inTransaction(Work<T> work) {
    return inTransaction(Connection.TRANSACTION_READ_COMMITTED, work);
  }

  public <T> T inTransaction(int isolation, Work<T> work) {
    try (Connection connection = dataSource.getConnection()) {
      connection.setAutoCommit(false);
      connection.setTransactionIsolation(isolation);
      try {
        T result = work.run(connection);
        connection.commit();
        return result;
      } catch (SQLException | RuntimeException | Error e) {
        connection.rollback();
        throw e;
      }
    } catch (SQLException e) {
      if ("23505".equals(e.getSQLState())) {
        throw new ServerException(ServerErrorCode.CONFLICT, "it exists already", e);
      }
      throw new ServerException(ServerErrorCode.INTERNAL, "metadata store failure", e);
    }
  }

  public DataSource dataSource() {
    return dataSource;
  }
}
