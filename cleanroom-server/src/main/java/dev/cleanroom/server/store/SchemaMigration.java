package dev.cleanroom.server.store;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

/** Brings the metadata schema up to date before anything else runs. */
@ApplicationScoped
public class SchemaMigration {
  private static final Logger LOG = Logger.getLogger(SchemaMigration.class);

  /** Observers with a lower priority run first; the demo loader runs after this. */
  public static final int PRIORITY = 10;

  void migrate(@Observes @Priority(PRIORITY) StartupEvent event, DataSource dataSource) {
    var result =
        Flyway.configure()
            .dataSource(dataSource)
            .locations("classpath:db/migration")
            .load()
            .migrate();
    LOG.infof("event=schema_migrated applied=%d", result.migrationsExecuted);
  }
}
