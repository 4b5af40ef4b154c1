package dev.cleanroom.server.dataset;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.storage.DatasetStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

/**
 * Writes at start-up the Parquet form of every stored version that lacks one: all of them when
 * {@code cleanroom.storage.parquet.enabled} is turned on for an existing store, or one whose write
 * a crash interrupted. Idempotent and crash-safe (each form is written aside and renamed into
 * place), so a killed start-up is finished by the next.
 */
@ApplicationScoped
public class ParquetBackfill {
  private static final Logger LOG = Logger.getLogger(ParquetBackfill.class);

  /** After the master key rotation at start-up (2100), so no form is written twice. */
  private static final int AFTER_MASTER_KEY_ROTATION = 2200;

  private final DatasetStore store;

  @Inject
  public ParquetBackfill(DatasetStore store) {
    this.store = requireNonNull(store, "store is null");
  }

  void onStart(@Observes @Priority(AFTER_MASTER_KEY_ROTATION) StartupEvent event) {
    if (!store.keepsParquetForm()) {
      return;
    }
    long start = System.nanoTime();
    try {
      int written = store.backfillParquet();
      LOG.infof(
          "event=parquet_backfill written=%d seconds=%.1f",
          written, (System.nanoTime() - start) / 1e9);
    } catch (RuntimeException e) {
      // A version whose form is missing fails the Spark queries that read it (a refunded load
      // failure), not the server's start; the next start tries again.
      LOG.errorf("event=parquet_backfill_failed reason=\"%s\"", e.getMessage());
    }
  }
}
