package dev.cleanroom.server;

import dev.cleanroom.server.store.EmbeddedDatabase;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * One real, throw-away PostgreSQL for the whole test suite, and a fresh data directory to match
 * (dataset versions in an old directory would not belong to the new database).
 */
@WithTestResource(value = PostgresResource.class, scope = TestResourceScope.GLOBAL)
public class PostgresResource implements QuarkusTestResourceLifecycleManager {
  private EmbeddedDatabase database;

  @Override
  public Map<String, String> start() {
    database = EmbeddedDatabase.start(null);
    Map<String, String> properties = new HashMap<>(database.datasourceProperties());
    try {
      Path target = Files.createDirectories(Path.of("target"));
      properties.put(
          "cleanroom.data-dir", Files.createTempDirectory(target, "test-data-").toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties;
  }

  @Override
  public void stop() {
    if (database != null) {
      try {
        database.close();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
