package dev.cleanroom.server.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A real PostgreSQL 16 run by the server (or the tests) itself, listening on localhost only. */
public final class EmbeddedDatabase implements AutoCloseable {
  private final EmbeddedPostgres postgres;

  private EmbeddedDatabase(EmbeddedPostgres postgres) {
    this.postgres = postgres;
  }

  /**
   * Starts PostgreSQL on a free port; {@code dataDirectory} keeps its files across restarts, or is
   * {@code null} for a throw-away database.
   */
  public static EmbeddedDatabase start(Path dataDirectory) {
    try {
      EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
      if (dataDirectory != null) {
        Files.createDirectories(dataDirectory);
        builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
      }
      return new EmbeddedDatabase(builder.start());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded PostgreSQL", e);
    }
  }

  public String jdbcUrl() {
    return postgres.getJdbcUrl("postgres", "postgres");
  }

  /** The datasource settings Quarkus needs to reach this database. */
  public Map<String, String> datasourceProperties() {
    return Map.of(
        "quarkus.datasource.jdbc.url",
        jdbcUrl(),
        "quarkus.datasource.username",
        "postgres",
        "quarkus.datasource.password",
        "postgres");
  }

  public void configureSystemProperties() {
    datasourceProperties().forEach(System::setProperty);
    // Tells the production check that this database was started here, not configured.
    System.setProperty(EMBEDDED_PROPERTY, "true");
  }

  /** Set to {@code true} when the server runs on a database it started itself. */
  public static final String EMBEDDED_PROPERTY = "cleanroom.database.embedded";

  @Override
  public void close() throws IOException {
    postgres.close();
  }
}
