package dev.cleanroom.server.query;

import dev.cleanroom.server.dataset.DatasetVersionRecorded;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Loads a dataset version as soon as it is recorded (an upload or an erasure), decrypting it and
 * encoding its strings once, in the background, so that the first query after an upload finds it
 * loaded as every later one does. A query that arrives while the load runs waits for that load
 * rather than starting its own. Versions are warmed one at a time, in the order recorded; a version
 * superseded before its turn is skipped. Nothing is warmed when the loaded versions are not kept
 * ({@code cleanroom.query.loaded-cache-bytes=0}), when no policy is in force (no query can read it)
 * or when {@code cleanroom.query.warm-on-upload=false}.
 *
 * <p>What it costs an analyst to observe: the load starts on the provider's upload, not on any
 * query, and takes as long for the same upload whoever is in it; a query at the same moment runs
 * beside it as beside another query.
 */
@Singleton
public class VersionWarmUp {
  private static final Logger LOG = Logger.getLogger(VersionWarmUp.class);

  private final LoadedVersions versions;
  private final boolean enabled;
  private final Timer warmed;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "cleanroom-version-warm-up");
            thread.setDaemon(true);
            return thread;
          });
  // Guarded by this: the newest version recorded per dataset.
  private final Map<String, Long> newest = new HashMap<>();

  @Inject
  VersionWarmUp(
      LoadedVersions versions,
      @ConfigProperty(name = "cleanroom.query.warm-on-upload") boolean warmOnUpload,
      @ConfigProperty(name = "cleanroom.query.loaded-cache-bytes") long loadedCacheBytes,
      MeterRegistry metrics) {
    this.versions = versions;
    this.enabled = warmOnUpload && loadedCacheBytes > 0;
    this.warmed =
        Timer.builder("cleanroom.loaded.versions.warm-up")
            .description("Loading and encoding a recorded dataset version before any query asks")
            .register(metrics);
  }

  void onVersionRecorded(@Observes DatasetVersionRecorded recorded) {
    if (!enabled || recorded.policyInForce().isEmpty()) {
      return;
    }
    Set<String> columns = TablesRead.usableColumns(recorded.policyInForce().get());
    synchronized (this) {
      newest.merge(recorded.storageId(), recorded.version(), Math::max);
    }
    worker.execute(() -> warm(recorded.storageId(), recorded.version(), columns));
  }

  private void warm(String storageId, long version, Set<String> columns) {
    synchronized (this) {
      if (newest.getOrDefault(storageId, version) > version) {
        return;
      }
    }
    long start = System.nanoTime();
    try (LoadedVersions.Lease lease = versions.acquire(storageId, version, columns)) {
      long nanos = System.nanoTime() - start;
      warmed.record(java.time.Duration.ofNanos(nanos));
      LOG.infof(
          "event=dataset_version_warmed dataset=%s version=%d ms=%d",
          storageId, version, nanos / 1_000_000);
    } catch (RuntimeException e) {
      // A query will load it again and report its own failure; nothing of the data is logged.
      LOG.warnf(
          "event=dataset_version_warm_up_failed dataset=%s version=%d error=%s",
          storageId, version, e.getClass().getSimpleName());
    }
  }

  /** Waits until every warm-up asked for so far has run; true unless interrupted. For tests. */
  boolean awaitIdle() {
    try {
      return worker.submit(() -> true).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (java.util.concurrent.ExecutionException e) {
      return false;
    }
  }

  @PreDestroy
  void close() {
    worker.shutdownNow();
  }
}
