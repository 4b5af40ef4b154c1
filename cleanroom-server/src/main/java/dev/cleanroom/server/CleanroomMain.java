package dev.cleanroom.server;

import dev.cleanroom.server.store.DatabaseDirectoryException;
import dev.cleanroom.server.store.EmbeddedDatabase;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.nio.file.Path;

/**
 * Starts the server. Without a configured JDBC URL it first starts an embedded PostgreSQL under the
 * data directory, so the run command needs nothing installed; a PostgreSQL left running there by a
 * server that was killed is stopped first (see {@link EmbeddedDatabase}).
 */
@QuarkusMain
public final class CleanroomMain {
  private CleanroomMain() {}

  public static void main(String... args) throws Exception {
    if (configured("quarkus.datasource.jdbc.url") != null) {
      Quarkus.run(args);
      return;
    }
    String dataDir = configured("cleanroom.data-dir");
    if (dataDir == null) {
      dataDir = "demo".equals(configured("quarkus.profile")) ? "data/demo" : "data";
    }
    EmbeddedDatabase database;
    try {
      database = EmbeddedDatabase.start(Path.of(dataDir, "postgres"));
    } catch (DatabaseDirectoryException e) {
      // Another server holds the directory, or a stale PostgreSQL would not stop: the message says
      // which and what to do; a stack trace would only hide it.
      System.err.println("cannot start the server: " + e.getMessage());
      System.exit(1);
      return;
    }
    try (database) {
      database.configureSystemProperties();
      Quarkus.run(args);
    }
  }

  /** A setting from a system property or its environment variable, as Quarkus reads them. */
  private static String configured(String name) {
    String value = System.getProperty(name);
    if (value == null) {
      value = System.getenv(name.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_"));
    }
    return value == null || value.isBlank() ? null : value;
  }
}
