package dev.cleanroom.server.query;

import dev.cleanroom.querypolicy.policy.AllowedJoin;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.server.dataset.ApprovedPolicies;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.dataset.DatasetVersionRecorded;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Loads a dataset version as soon as it is recorded (an upload or an erasure), and every current
 * version when the server starts, decrypting it and encoding its strings (or reading back the
 * encodings its first load kept in the store), in the background, so that the first query after an
 * upload or a restart finds it loaded as every later one does. A query that arrives while the load
 * runs waits for that load rather than starting its own. Versions are warmed one at a time, in the
 * order recorded; a version superseded before its turn is skipped. Nothing is warmed when the
 * loaded versions are not kept ({@code cleanroom.query.loaded-cache-bytes=0}), when no policy is in
 * force (no query can read it) or when {@code cleanroom.query.warm-on-upload=false}.
 *
 * <p>Once loaded, the version is prepared for the joins its policy allows with tables whose current
 * version is kept loaded too and whose policy allows the same join (the engine's translations
 * between the two key columns' dictionaries, both ways): the first join query after an upload then
 * finds them as every later one does. A partner that is not kept is not loaded for this; the first
 * query joining it prepares what it needs.
 *
 * <p>What it costs an analyst to observe: the load starts on the provider's upload, not on any
 * query, and takes as long for the same upload whoever is in it; a query at the same moment runs
 * beside it as beside another query.
 */
@Singleton
public class VersionWarmUp {
  private static final Logger LOG = Logger.getLogger(VersionWarmUp.class);

  /** Interceptor.Priority.LIBRARY_AFTER: observers without a priority (the demo's) run before. */
  private static final int AFTER_APPLICATION_OBSERVERS = 4000;

  private final LoadedVersions versions;
  private final QueryEngines engines;
  private final DatasetCatalog datasets;
  private final ApprovedPolicies policies;
  private final EngineWarmUp engineWarmUp;
  private final boolean enabled;
  private final Timer warmed;
  private final Counter joinsPrepared;
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "cleanroom-version-warm-up");
            thread.setDaemon(true);
            return thread;
          });
  private volatile boolean startWarmedUp;
  // Guarded by this: the newest version recorded per dataset.
  private final Map<String, Long> newest = new HashMap<>();

  @Inject
  VersionWarmUp(
      LoadedVersions versions,
      QueryEngines engines,
      DatasetCatalog datasets,
      ApprovedPolicies policies,
      EngineWarmUp engineWarmUp,
      @ConfigProperty(name = "cleanroom.query.warm-on-upload") boolean warmOnUpload,
      @ConfigProperty(name = "cleanroom.query.loaded-cache-bytes") long loadedCacheBytes,
      MeterRegistry metrics) {
    this.versions = versions;
    this.engines = engines;
    this.datasets = datasets;
    this.policies = policies;
    this.engineWarmUp = engineWarmUp;
    this.enabled = warmOnUpload && loadedCacheBytes > 0;
    this.warmed =
        Timer.builder("cleanroom.loaded.versions.warm-up")
            .description("Loading and encoding a recorded dataset version before any query asks")
            .register(metrics);
    this.joinsPrepared =
        Counter.builder("cleanroom.loaded.versions.joins-prepared")
            .description(
                "Allowed joins between two loaded versions prepared before any query asks (string"
                    + " keys: the engine's translations between their dictionaries)")
            .register(metrics);
  }

  /**
   * After the server starts, every dataset's current version under a policy in force is warmed as
   * after its upload, in the background: loaded (its string encodings read back from the store,
   * where its first load kept them) and prepared for its joins, so the first queries after a
   * restart do not load what the queries before it had loaded.
   */
  void onStart(@Observes @Priority(AFTER_APPLICATION_OBSERVERS) StartupEvent event) {
    if (!enabled && !engineWarmUp.enabled()) {
      startWarmedUp = true;
      return;
    }
    worker.execute(
        () -> {
          try {
            for (Dataset dataset : enabled ? datasets.listAll() : List.<Dataset>of()) {
              if (dataset.currentVersion() == null || recordedSince(dataset)) {
                continue;
              }
              onVersionRecorded(
                  new DatasetVersionRecorded(
                      dataset.storageId(),
                      dataset.collaborationId(),
                      dataset.currentVersion(),
                      policies.inForceNow(dataset)));
            }
          } catch (RuntimeException e) {
            // Queries load what they read; nothing of the data is logged.
            LOG.warnf("event=startup_warm_up_failed error=%s", e.getClass().getSimpleName());
          } finally {
            // After the warm-ups queued above (one worker: they run in order). Whatever fails in
            // them, the server becomes ready: its queries then load and compile what they need.
            worker.execute(
                () -> {
                  try {
                    engineWarmUp.run();
                  } finally {
                    startWarmedUp = true;
                    LOG.info("event=startup_warm_up_done");
                  }
                });
          }
        });
  }

  /**
   * Whether the versions current at the start have been warmed (or the warm-up is off): the
   * server's readiness waits for it, so that the first queries a load balancer sends do not wait
   * for loads.
   */
  boolean startWarmedUp() {
    return startWarmedUp;
  }

  /** Whether a version of {@code dataset} was recorded since the start (the demo's uploads). */
  private synchronized boolean recordedSince(Dataset dataset) {
    return newest.containsKey(dataset.storageId());
  }

  void onVersionRecorded(@Observes DatasetVersionRecorded recorded) {
    if (!enabled || recorded.policyInForce().isEmpty()) {
      return;
    }
    synchronized (this) {
      newest.merge(recorded.storageId(), recorded.version(), Math::max);
    }
    worker.execute(() -> warm(recorded));
  }

  private void warm(DatasetVersionRecorded recorded) {
    String storageId = recorded.storageId();
    long version = recorded.version();
    synchronized (this) {
      if (newest.getOrDefault(storageId, version) > version) {
        return;
      }
    }
    DatasetPolicy policy = recorded.policyInForce().orElseThrow();
    long start = System.nanoTime();
    try (LoadedVersions.Lease lease =
        versions.acquire(storageId, version, TablesRead.usableColumns(policy))) {
      long nanos = System.nanoTime() - start;
      warmed.record(java.time.Duration.ofNanos(nanos));
      LOG.infof(
          "event=dataset_version_warmed dataset=%s version=%d ms=%d",
          storageId, version, nanos / 1_000_000);
      try {
        prepareJoins(recorded.collaborationId(), storageId, version, policy, lease);
      } catch (RuntimeException e) {
        // The first query joining the versions prepares what it needs.
        LOG.warnf(
            "event=dataset_join_preparation_failed dataset=%s version=%d error=%s",
            storageId, version, e.getClass().getSimpleName());
      }
    } catch (RuntimeException e) {
      // A query will load it again and report its own failure; nothing of the data is logged.
      LOG.warnf(
          "event=dataset_version_warm_up_failed dataset=%s version=%d error=%s",
          storageId, version, e.getClass().getSimpleName());
    }
  }

  /**
   * Prepares each join {@code policy} allows with a table of the collaboration whose approved
   * policy allows it too and whose current version is kept loaded.
   */
  private void prepareJoins(
      long collaborationId,
      String storageId,
      long version,
      DatasetPolicy policy,
      LoadedVersions.Lease lease) {
    if (policy.allowedJoins().isEmpty()) {
      return;
    }
    Map<AllowedJoin, Dataset> partners = new HashMap<>();
    for (Dataset dataset : datasets.list(collaborationId)) {
      if (dataset.currentVersion() == null || dataset.storageId().equals(storageId)) {
        continue;
      }
      Optional<DatasetPolicy> partnerPolicy = policies.current(dataset);
      if (partnerPolicy.isEmpty()) {
        continue;
      }
      for (AllowedJoin join : policy.allowedJoins()) {
        if (partnerPolicy.get().table().equals(join.other())
            && partnerPolicy.get().allowsJoin(join.otherColumn(), policy.table(), join.column())) {
          partners.put(join, dataset);
        }
      }
    }
    partners.forEach(
        (join, partner) -> {
          Optional<LoadedVersions.Lease> kept =
              versions.leaseIfKept(partner.storageId(), partner.currentVersion());
          if (kept.isEmpty()) {
            return;
          }
          try (LoadedVersions.Lease other = kept.get()) {
            long start = System.nanoTime();
            if (!engines.prepareJoin(
                lease.table(), join.column(), other.table(), join.otherColumn())) {
              return;
            }
            joinsPrepared.increment();
            LOG.infof(
                "event=dataset_join_prepared dataset=%s version=%d other=%s other_version=%d ms=%d",
                storageId,
                version,
                partner.storageId(),
                partner.currentVersion(),
                (System.nanoTime() - start) / 1_000_000);
          }
        });
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
