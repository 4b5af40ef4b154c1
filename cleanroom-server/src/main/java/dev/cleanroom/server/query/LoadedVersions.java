package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.server.dataset.DatasetVersionRecorded;
import dev.cleanroom.spi.TableName;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.Reception;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Dataset versions kept loaded between queries, each with one executor table whose string encodings
 * every query reuses. A query leases the versions it reads; an evicted version is freed when its
 * last lease ends.
 *
 * <p>The encodings are computed once per stored version: the first load (an upload's warm-up,
 * usually) keeps them with the version in the store, and every later load of it, after an eviction
 * or a restart, reads them back instead of encoding the strings again.
 */
@Singleton
public class LoadedVersions {
  private static final Logger LOG = Logger.getLogger(LoadedVersions.class);

  /** Loads one stored version into its own child allocator of {@code root}. */
  @FunctionalInterface
  interface Loader {
    LoadedDataset load(String storageId, long version, BufferAllocator root);
  }

  /**
   * Where what the engine derives from a version (its string encodings) is kept between loads:
   * beside the version in the store, encrypted under its key.
   */
  interface KeptEncodings {
    /** What was kept for the version, if anything; the caller closes it. */
    Optional<InputStream> open(String storageId, long version);

    /** Keeps what {@code writer} writes for the version, replacing what was kept. */
    void save(String storageId, long version, DatasetStore.EncodingsWriter writer);

    /** Keeps nothing. */
    KeptEncodings NONE =
        new KeptEncodings() {
          @Override
          public Optional<InputStream> open(String storageId, long version) {
            return Optional.empty();
          }

          @Override
          public void save(String storageId, long version, DatasetStore.EncodingsWriter writer) {}
        };
  }

  private final Loader loader;
  private final KeptEncodings keptEncodings;
  private final QueryEngines engines;
  private final BufferAllocator root;
  private final long budgetBytes;

  // Guarded by this. Access order: the first entry is the least recently used.
  private final LinkedHashMap<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  // Per dataset, the newest version asked for or recorded: older ones are never kept again.
  private final Map<String, Long> newestVersions = new HashMap<>();
  private long keptBytes;
  private boolean shutDown;
  private final AtomicLong encodingsRestored = new AtomicLong();
  private final AtomicLong encodingsKept = new AtomicLong();
  private final ExecutorService saver =
      Executors.newSingleThreadExecutor(
          task -> {
            Thread thread = new Thread(task, "cleanroom-encodings-keeper");
            thread.setDaemon(true);
            return thread;
          });

  @Inject
  LoadedVersions(
      DatasetStore store,
      QueryEngines engines,
      BufferAllocator root,
      @ConfigProperty(name = "cleanroom.query.loaded-cache-bytes") long budgetBytes,
      MeterRegistry metrics) {
    this(
        store::load,
        new KeptEncodings() {
          @Override
          public Optional<InputStream> open(String storageId, long version) {
            return store.openEncodings(storageId, version);
          }

          @Override
          public void save(String storageId, long version, DatasetStore.EncodingsWriter writer) {
            store.saveEncodings(storageId, version, writer);
          }
        },
        engines,
        root,
        budgetBytes);
    Gauge.builder("cleanroom.loaded.versions.bytes", this, LoadedVersions::keptBytes)
        .description("Arrow bytes of the dataset versions kept loaded between queries")
        .baseUnit("bytes")
        .register(metrics);
    Gauge.builder("cleanroom.loaded.versions", this, versions -> versions.keptVersions().size())
        .description("Dataset versions kept loaded between queries")
        .register(metrics);
    FunctionCounter.builder(
            "cleanroom.loaded.versions.encodings.restored",
            this,
            versions -> versions.encodingsRestored.get())
        .description(
            "Loads that read a version's string encodings back from the store instead of"
                + " computing them")
        .register(metrics);
    FunctionCounter.builder(
            "cleanroom.loaded.versions.encodings.kept",
            this,
            versions -> versions.encodingsKept.get())
        .description("String encodings of a version written to the store after its load")
        .register(metrics);
  }

  LoadedVersions(Loader loader, QueryEngines engines, BufferAllocator root, long budgetBytes) {
    this(loader, KeptEncodings.NONE, engines, root, budgetBytes);
  }

  LoadedVersions(
      Loader loader,
      KeptEncodings keptEncodings,
      QueryEngines engines,
      BufferAllocator root,
      long budgetBytes) {
    this.loader = requireNonNull(loader, "loader is null");
    this.keptEncodings = requireNonNull(keptEncodings, "keptEncodings is null");
    this.engines = requireNonNull(engines, "engines is null");
    this.root = requireNonNull(root, "root is null");
    if (budgetBytes < 0) {
      throw new IllegalArgumentException(
          "cleanroom.query.loaded-cache-bytes must be >= 0, was " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
  }

  /**
   * Leases version {@code version} of dataset {@code storageId}, loading it (once, however many
   * queries ask at the same time) unless it is kept already. Asking for a version evicts the older
   * versions of the same dataset.
   *
   * @param preparedColumns the columns whose string encodings are computed when it is loaded
   * @throws dev.cleanroom.connectors.ConnectorException when the stored version cannot be read; the
   *     failure is not kept, so the next lease tries again
   */
  Lease acquire(String storageId, long version, Set<String> preparedColumns) {
    requireNonNull(storageId, "storageId is null");
    Set<String> columns = Set.copyOf(requireNonNull(preparedColumns, "preparedColumns is null"));
    Key key = new Key(storageId, version);
    while (true) {
      Entry entry;
      boolean loads;
      List<Entry> unused;
      synchronized (this) {
        if (shutDown) {
          throw new IllegalStateException("the loaded dataset versions are closed");
        }
        unused = evictOlderLocked(storageId, version);
        entry = entries.get(key);
        loads = entry == null;
        if (loads) {
          boolean kept = budgetBytes > 0 && version >= newestVersions.get(storageId);
          entry = new Entry(key);
          if (kept) {
            entries.put(key, entry);
          } else {
            entry.evicted = true;
          }
        }
        entry.leases++;
      }
      closeAll(unused);
      if (loads) {
        load(entry, columns);
      }
      try {
        entry.table.join();
        return new Lease(entry);
      } catch (CompletionException e) {
        release(entry);
        if (!loads && entry.loaderInterrupted) {
          // The query that was loading it gave up (its time ran out): nothing to do with the data.
          continue;
        }
        if (e.getCause() instanceof RuntimeException failure) {
          throw failure;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }
  }

  /**
   * Leases version {@code version} of dataset {@code storageId} if it is kept (waiting for it when
   * it is being loaded), without ever loading it: empty when it is not kept or its load failed.
   */
  Optional<Lease> leaseIfKept(String storageId, long version) {
    Entry entry;
    synchronized (this) {
      entry = shutDown ? null : entries.get(new Key(storageId, version));
      if (entry == null) {
        return Optional.empty();
      }
      entry.leases++;
    }
    try {
      entry.table.join();
      return Optional.of(new Lease(entry));
    } catch (CompletionException e) {
      release(entry);
      return Optional.empty();
    }
  }

  /**
   * One version a query reads: the dataset's name in the store, the version, and the columns whose
   * string encodings are computed when it is loaded.
   */
  record Wanted(String storageId, long version, Set<String> preparedColumns) {
    Wanted {
      requireNonNull(storageId, "storageId is null");
      preparedColumns = Set.copyOf(preparedColumns);
    }
  }

  /**
   * Leases every version a query reads, by table, or none: when one cannot be leased, those leased
   * already are let go before the failure is thrown.
   */
  LeasedTables leaseAll(Map<TableName, Wanted> wanted) {
    Map<TableName, Lease> leases = new LinkedHashMap<>();
    try {
      wanted.forEach(
          (table, version) ->
              leases.put(
                  table,
                  acquire(version.storageId(), version.version(), version.preparedColumns())));
      return new LeasedTables(leases);
    } catch (RuntimeException | Error e) {
      leases.values().forEach(Lease::close);
      throw e;
    }
  }

  /** Evicts every kept version of {@code storageId} older than {@code version}. */
  void evictOlderThan(String storageId, long version) {
    List<Entry> unused;
    synchronized (this) {
      unused = evictOlderLocked(storageId, version);
    }
    closeAll(unused);
  }

  /** A new version was recorded (an upload or an erasure): older ones are not served any more. */
  void onVersionRecorded(
      @Observes(notifyObserver = Reception.IF_EXISTS) DatasetVersionRecorded recorded) {
    evictOlderThan(recorded.storageId(), recorded.version());
  }

  /** The versions kept now, least recently used first. */
  synchronized List<Key> keptVersions() {
    return List.copyOf(entries.keySet());
  }

  /** The Arrow bytes of the versions kept now. */
  synchronized long keptBytes() {
    return keptBytes;
  }

  // Before the root allocator is disposed; not created at shutdown if no query ever ran.
  void onShutdown(@Observes(notifyObserver = Reception.IF_EXISTS) ShutdownEvent event) {
    close();
  }

  /**
   * Evicts everything and refuses new leases; versions still leased are freed when their lease
   * ends.
   */
  @PreDestroy
  void close() {
    List<Entry> unused = new ArrayList<>();
    synchronized (this) {
      shutDown = true;
      saver.shutdown();
      for (Entry entry : List.copyOf(entries.values())) {
        evictLocked(entry, unused);
      }
    }
    closeAll(unused);
  }

  private void load(Entry entry, Set<String> preparedColumns) {
    LoadedDataset dataset = null;
    List<Entry> unused = new ArrayList<>();
    try {
      dataset = loader.load(entry.key.storageId(), entry.key.version(), root);
      LoadedTableData table = new LoadedTableData(dataset);
      Set<String> restored = restoreEncodings(entry.key, table);
      if (!restored.containsAll(engines.prepare(table, preparedColumns))) {
        saveEncodingsLater(entry.key, table);
      }
      synchronized (this) {
        entry.bytes = dataset.allocatedBytes();
        if (entries.get(entry.key) == entry) {
          entry.counted = true;
          keptBytes += entry.bytes;
          evictOverBudgetLocked(unused);
        }
        entry.table.complete(table);
      }
    } catch (RuntimeException | Error e) {
      synchronized (this) {
        entries.remove(entry.key, entry);
        entry.evicted = true;
        entry.loaderInterrupted = Thread.currentThread().isInterrupted();
        entry.table.completeExceptionally(e);
      }
      if (dataset != null) {
        dataset.close();
      }
      return;
    }
    LOG.debugf(
        "event=dataset_version_loaded dataset=%s version=%d bytes=%d",
        entry.key.storageId(), entry.key.version(), entry.bytes);
    closeAll(unused);
  }

  /**
   * Gives the engine back what it derived from this version at an earlier load, if it was kept: the
   * columns restored. What cannot be read or does not fit (altered, cut short, from another version
   * or an older format) is not used; the engine computes it again and it is kept anew.
   */
  private Set<String> restoreEncodings(Key key, LoadedTableData table) {
    try {
      Optional<InputStream> kept = keptEncodings.open(key.storageId(), key.version());
      if (kept.isEmpty()) {
        return Set.of();
      }
      try (InputStream in = kept.get()) {
        Set<String> restored = engines.restore(table, in);
        encodingsRestored.incrementAndGet();
        LOG.infof(
            "event=dataset_encodings_restored dataset=%s version=%d columns=%d",
            key.storageId(), key.version(), restored.size());
        return restored;
      }
    } catch (IOException | RuntimeException e) {
      LOG.warnf(
          "event=dataset_encodings_unusable dataset=%s version=%d error=%s",
          key.storageId(), key.version(), e.getClass().getSimpleName());
      return Set.of();
    }
  }

  /**
   * Keeps what the engine derived from this version with it, on a thread of its own after the load:
   * the engine writes from what it keeps, not from the table's batches, so an eviction meanwhile
   * does not matter.
   */
  private void saveEncodingsLater(Key key, LoadedTableData table) {
    try {
      saver.execute(
          () -> {
            try {
              keptEncodings.save(key.storageId(), key.version(), out -> engines.save(table, out));
              encodingsKept.incrementAndGet();
              LOG.debugf(
                  "event=dataset_encodings_kept dataset=%s version=%d",
                  key.storageId(), key.version());
            } catch (RuntimeException e) {
              // The next load computes them again; nothing of the data is logged.
              LOG.warnf(
                  "event=dataset_encodings_not_kept dataset=%s version=%d error=%s",
                  key.storageId(), key.version(), e.getClass().getSimpleName());
            }
          });
    } catch (RejectedExecutionException e) {
      // Shutting down: the next load computes them again.
    }
  }

  private List<Entry> evictOlderLocked(String storageId, long version) {
    newestVersions.merge(storageId, version, Math::max);
    List<Entry> unused = new ArrayList<>();
    for (Entry entry : List.copyOf(entries.values())) {
      if (entry.key.storageId().equals(storageId) && entry.key.version() < version) {
        evictLocked(entry, unused);
      }
    }
    return unused;
  }

  private void evictOverBudgetLocked(List<Entry> unused) {
    Iterator<Entry> leastRecentFirst = List.copyOf(entries.values()).iterator();
    while (keptBytes > budgetBytes && leastRecentFirst.hasNext()) {
      Entry entry = leastRecentFirst.next();
      if (entry.counted) {
        evictLocked(entry, unused);
      }
    }
  }

  private void evictLocked(Entry entry, List<Entry> unused) {
    entries.remove(entry.key, entry);
    if (entry.counted) {
      keptBytes -= entry.bytes;
      entry.counted = false;
    }
    entry.evicted = true;
    if (entry.leases == 0 && !entry.closed) {
      entry.closed = true;
      unused.add(entry);
    }
  }

  private void release(Entry entry) {
    boolean close = false;
    synchronized (this) {
      entry.leases--;
      if (entry.leases == 0 && entry.evicted && !entry.closed) {
        entry.closed = true;
        close = true;
      }
    }
    if (close) {
      closeAll(List.of(entry));
    }
  }

  /** Frees entries no lease holds any more; a failed load has nothing left to free. */
  private static void closeAll(List<Entry> unused) {
    for (Entry entry : unused) {
      if (entry.table.isDone() && !entry.table.isCompletedExceptionally()) {
        entry.table.join().dataset().close();
      }
    }
  }

  /** One dataset version: the store's id of the dataset, and the version. */
  record Key(String storageId, long version) {
    Key {
      requireNonNull(storageId, "storageId is null");
    }
  }

  /** One version, loading or loaded; its mutable fields are guarded by the cache. */
  private static final class Entry {
    final Key key;
    final CompletableFuture<LoadedTableData> table = new CompletableFuture<>();
    int leases;
    boolean evicted;
    boolean closed;
    boolean counted;
    long bytes;
    // Written before the load's failure completes the future, read by those who saw it fail.
    volatile boolean loaderInterrupted;

    Entry(Key key) {
      this.key = key;
    }
  }

  /** A query's hold on one loaded version: the data stays valid until the lease is closed. */
  final class Lease implements AutoCloseable {
    private final Entry entry;
    private boolean released;

    private Lease(Entry entry) {
      this.entry = entry;
    }

    /** The executor's table, the same instance for every lease of the version. */
    LoadedTableData table() {
      return entry.table.join();
    }

    LoadedDataset dataset() {
      return table().dataset();
    }

    @Override
    public void close() {
      if (released) {
        return;
      }
      released = true;
      release(entry);
    }
  }
}
