package dev.cleanroom.server.store;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready when the metadata database answers. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {
  private final DataSource dataSource;

  @Inject
  public DatabaseReadiness(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  @Override
  public HealthCheckResponse call() {
    try (Connection connection = dataSource.getConnection()) {
      return HealthCheckResponse.named("metadata-database").status(connection.isValid(2)).build();
    } catch (SQLException e) {
      return HealthCheckResponse.down("metadata-database");
    }
  }
}
