package dev.cleanroom.server.query;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.engine.ArrowTableData;
import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.server.query.LoadedVersions.Key;
import dev.cleanroom.server.query.LoadedVersions.Lease;
import dev.cleanroom.spi.TableName;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.rel.RelNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LoadedVersionsTest {
  private static final DatasetSchema SCHEMA =
      new DatasetSchema(
          List.of(ColumnDefinition.of("id", "BIGINT"), ColumnDefinition.of("name", "VARCHAR")));
  private static final Set<String> COLUMNS = Set.of("id", "name");
  private static final int ROWS = 1_000;

  private final RootAllocator root = new RootAllocator();
  private final QueryEngines executor =
      new QueryEngines(new VectorizedExecutor(root), Optional.empty());
  private final List<Key> loads = Collections.synchronizedList(new ArrayList<>());
  private final ExecutorService threads = Executors.newCachedThreadPool();

  @AfterEach
  void closeAll() {
    threads.shutdownNow();
    // Throws when a loaded version was never freed.
    root.close();
  }

  @Test
  void sameVersion_loadedOnceForTwoLeases() {
    LoadedVersions versions = new LoadedVersions(this::load, executor, root, 1L << 30);
    try (Lease first = versions.acquire("d1", 1, COLUMNS);
        Lease second = versions.acquire("d1", 1, COLUMNS)) {
      assertSame(first.table(), second.table());
      assertEquals(List.of(new Key("d1", 1)), loads);
    }
    try (Lease third = versions.acquire("d1", 1, COLUMNS)) {
      assertEquals(1, loads.size());
      assertEquals(ROWS, third.dataset().rowCount());
    }
    versions.close();
    assertEquals(0, root.getAllocatedMemory());
  }

  @Test
  void newerVersion_evictsOlderClosedAfterItsLastLease() {
    LoadedVersions versions = new LoadedVersions(this::load, executor, root, 1L << 30);
    Lease old = versions.acquire("d1", 1, COLUMNS);
    LoadedDataset oldData = old.dataset();
    try (Lease newer = versions.acquire("d1", 2, COLUMNS)) {
      assertEquals(List.of(new Key("d1", 2)), versions.keptVersions());
      // Still leased: its query keeps reading it.
      assertEquals(ROWS, oldData.batches().get(0).getRowCount());
      assertEquals(2, root.getChildAllocators().size());
      old.close();
      assertThrows(IllegalStateException.class, oldData::batches);
      assertEquals(1, root.getChildAllocators().size());
      assertEquals(ROWS, newer.dataset().rowCount());
    }
    versions.close();
  }

  @Test
  void versionRecorded_evictsOlderVersionsAndTheyAreNeverKeptAgain() {
    LoadedVersions versions = new LoadedVersions(this::load, executor, root, 1L << 30);
    versions.acquire("d1", 1, COLUMNS).close();
    versions.acquire("d2", 1, COLUMNS).close();
    versions.evictOlderThan("d1", 2);
    assertEquals(List.of(new Key("d2", 1)), versions.keptVersions());
    // A query that read the catalog before the erasure still gets its version, but only once.
    versions.acquire("d1", 1, COLUMNS).close();
    assertEquals(List.of(new Key("d2", 1)), versions.keptVersions());
    assertEquals(1, root.getChildAllocators().size());
    versions.close();
  }

  @Test
  void byteBudget_evictsLeastRecentlyUsed() {
    long size = sizeOfOneVersion();
    LoadedVersions versions = new LoadedVersions(this::load, executor, root, size * 5 / 2);
    versions.acquire("a", 1, COLUMNS).close();
    versions.acquire("b", 1, COLUMNS).close();
    versions.acquire("a", 1, COLUMNS).close();
    versions.acquire("c", 1, COLUMNS).close();
    assertEquals(List.of(new Key("a", 1), new Key("c", 1)), versions.keptVersions());
    assertEquals(2 * size, versions.keptBytes());
    assertEquals(2 * size, root.getAllocatedMemory());
    versions.close();
    assertEquals(0, root.getAllocatedMemory());
  }

  @Test
  void zeroBudget_keepsNothing() {
    LoadedVersions versions = new LoadedVersions(this::load, executor, root, 0);
    try (Lease first = versions.acquire("d1", 1, COLUMNS);
        Lease second = versions.acquire("d1", 1, COLUMNS)) {
      assertNotSame(first.table(), second.table());
      assertTrue(versions.keptVersions().isEmpty());
    }
    versions.acquire("d1", 1, COLUMNS).close();
    assertEquals(3, loads.size());
    assertEquals(0, root.getAllocatedMemory());
    assertEquals(0, versions.keptBytes());
  }

  @Test
  void concurrentAcquireOfOneVersion_loadsOnce() throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    LoadedVersions versions =
        new LoadedVersions(
            (id, version, parent) -> {
              loading.countDown();
              await(proceed);
              return load(id, version, parent);
            },
            executor,
            root,
            1L << 30);
    CountDownLatch holding = new CountDownLatch(2);
    CountDownLatch done = new CountDownLatch(1);
    List<LoadedTableData> seen = Collections.synchronizedList(new ArrayList<>());
    Runnable query =
        () -> {
          try (Lease lease = versions.acquire("d1", 1, COLUMNS)) {
            seen.add(lease.table());
            holding.countDown();
            await(done);
          }
        };
    Future<?> first = threads.submit(query);
    assertTrue(loading.await(10, TimeUnit.SECONDS));
    AtomicReference<Thread> second = new AtomicReference<>();
    Future<?> secondRun =
        threads.submit(
            () -> {
              second.set(Thread.currentThread());
              query.run();
            });
    // The second query is blocked (on the first one's load, or in a load of its own if it were
    // broken) while the first one's load is under way.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!blocked(second.get()) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(blocked(second.get()));
    proceed.countDown();
    assertTrue(holding.await(10, TimeUnit.SECONDS));
    assertEquals(1, loads.size());
    assertSame(seen.get(0), seen.get(1));
    done.countDown();
    first.get(10, TimeUnit.SECONDS);
    secondRun.get(10, TimeUnit.SECONDS);
    versions.close();
  }

  @Test
  void failedLoad_isNotKeptAndTheNextAcquireRetries() {
    AtomicInteger attempts = new AtomicInteger();
    LoadedVersions versions =
        new LoadedVersions(
            (id, version, parent) -> {
              if (attempts.incrementAndGet() == 1) {
                throw new ConnectorException(
                    ConnectorErrorCode.INTEGRITY_FAILURE, "version 1 failed authentication");
              }
              return load(id, version, parent);
            },
            executor,
            root,
            1L << 30);
    ConnectorException failure =
        assertThrows(ConnectorException.class, () -> versions.acquire("d1", 1, COLUMNS));
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, failure.code());
    assertTrue(versions.keptVersions().isEmpty());
    try (Lease lease = versions.acquire("d1", 1, COLUMNS)) {
      assertEquals(ROWS, lease.dataset().rowCount());
    }
    assertEquals(2, attempts.get());
    assertEquals(List.of(new Key("d1", 1)), versions.keptVersions());
    versions.close();
  }

  @Test
  void loadCutShortByItsQueryTimeout_aWaitingQueryLoadsAgain() throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch proceed = new CountDownLatch(1);
    AtomicInteger attempts = new AtomicInteger();
    LoadedVersions versions =
        new LoadedVersions(
            (id, version, parent) -> {
              if (attempts.incrementAndGet() == 1) {
                loading.countDown();
                await(proceed);
                // As reading a file fails when the query thread is interrupted by its timeout.
                Thread.currentThread().interrupt();
                throw new ConnectorException(
                    ConnectorErrorCode.STORAGE_FAILURE, "reading version 1 was interrupted");
              }
              return load(id, version, parent);
            },
            executor,
            root,
            1L << 30);
    Future<?> first = threads.submit(() -> versions.acquire("d1", 1, COLUMNS).close());
    assertTrue(loading.await(10, TimeUnit.SECONDS));
    AtomicReference<Thread> second = new AtomicReference<>();
    Future<Long> secondRun =
        threads.submit(
            () -> {
              second.set(Thread.currentThread());
              try (Lease lease = versions.acquire("d1", 1, COLUMNS)) {
                return lease.dataset().rowCount();
              }
            });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!blocked(second.get()) && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertTrue(blocked(second.get()));
    proceed.countDown();
    java.util.concurrent.ExecutionException failed =
        assertThrows(
            java.util.concurrent.ExecutionException.class, () -> first.get(10, TimeUnit.SECONDS));
    assertInstanceOf(ConnectorException.class, failed.getCause());
    assertEquals(ROWS, secondRun.get(10, TimeUnit.SECONDS));
    assertEquals(2, attempts.get());
    assertEquals(List.of(new Key("d1", 1)), versions.keptVersions());
    versions.close();
  }

  @Test
  void encodings_keptAtTheFirstLoadAndRestoredAfterARestart() throws Exception {
    KeptInMemory kept = new KeptInMemory();
    LoadedVersions first = new LoadedVersions(this::load, kept, executor, root, 1L << 30);
    first.acquire("d1", 1, COLUMNS).close();
    assertTrue(kept.saved.tryAcquire(10, TimeUnit.SECONDS), "kept after the load");
    first.close();

    // A restart: a fresh engine reads them back instead of encoding the strings again.
    Restores restarted = new Restores(new VectorizedExecutor(root));
    LoadedVersions second =
        new LoadedVersions(
            this::load, kept, new QueryEngines(restarted, Optional.empty()), root, 1L << 30);
    try (Lease lease = second.acquire("d1", 1, COLUMNS)) {
      assertEquals(List.of(Set.of("name")), restarted.restored);
      ByteArrayOutputStream again = new ByteArrayOutputStream();
      restarted.save(lease.table(), again);
      assertArrayEquals(kept.files.get(new Key("d1", 1)), again.toByteArray());
    }
    assertFalse(kept.saved.tryAcquire(200, TimeUnit.MILLISECONDS), "nothing to keep again");
    assertEquals(1, kept.saves.get());
    second.close();
  }

  @Test
  void encodingsThatDoNotFit_areComputedAgainAndKeptAnew() throws Exception {
    KeptInMemory kept = new KeptInMemory();
    LoadedVersions first = new LoadedVersions(this::load, kept, executor, root, 1L << 30);
    first.acquire("d1", 1, COLUMNS).close();
    assertTrue(kept.saved.tryAcquire(10, TimeUnit.SECONDS));
    first.close();
    byte[] good = kept.files.get(new Key("d1", 1));
    kept.files.put(new Key("d1", 1), Arrays.copyOf(good, good.length - 1));

    Restores restarted = new Restores(new VectorizedExecutor(root));
    LoadedVersions second =
        new LoadedVersions(
            this::load, kept, new QueryEngines(restarted, Optional.empty()), root, 1L << 30);
    try (Lease lease = second.acquire("d1", 1, COLUMNS)) {
      assertEquals(List.of(), restarted.restored, "cut short: not used");
      assertEquals(ROWS, lease.dataset().rowCount());
    }
    assertTrue(kept.saved.tryAcquire(10, TimeUnit.SECONDS), "kept anew");
    assertArrayEquals(good, kept.files.get(new Key("d1", 1)));
    second.close();
  }

  @Test
  void close_freesKeptVersionsAndLeasedOnesWhenReleased() {
    LoadedVersions versions = new LoadedVersions(this::load, executor, root, 1L << 30);
    versions.acquire("a", 1, COLUMNS).close();
    Lease leased = versions.acquire("b", 1, COLUMNS);
    versions.close();
    assertEquals(1, root.getChildAllocators().size());
    assertEquals(ROWS, leased.dataset().batches().get(0).getRowCount());
    leased.close();
    assertEquals(0, root.getAllocatedMemory());
    assertTrue(root.getChildAllocators().isEmpty());
    assertThrows(IllegalStateException.class, () -> versions.acquire("a", 1, COLUMNS));
  }

  private long sizeOfOneVersion() {
    try (LoadedDataset probe = load("probe", 1, root)) {
      return probe.allocatedBytes();
    } finally {
      loads.clear();
    }
  }

  /** A version of {@code ROWS} rows in its own child allocator, as the store loads one. */
  private LoadedDataset load(String id, long version, BufferAllocator parent) {
    loads.add(new Key(id, version));
    BufferAllocator allocator =
        parent.newChildAllocator("dataset-" + id + "-v" + version, 0, 1L << 30);
    VectorSchemaRoot batch = VectorSchemaRoot.create(SCHEMA.arrowSchema(), allocator);
    batch.allocateNew();
    BigIntVector ids = (BigIntVector) batch.getVector("id");
    VarCharVector names = (VarCharVector) batch.getVector("name");
    for (int row = 0; row < ROWS; row++) {
      ids.setSafe(row, row);
      names.setSafe(row, ("name-" + row % 10).getBytes(StandardCharsets.UTF_8));
    }
    batch.setRowCount(ROWS);
    return new LoadedDataset(id, version, SCHEMA, allocator, List.of(batch));
  }

  /** Encodings kept in memory by version, as the store keeps them on disk. */
  private static final class KeptInMemory implements LoadedVersions.KeptEncodings {
    final Map<Key, byte[]> files = new ConcurrentHashMap<>();
    final AtomicInteger saves = new AtomicInteger();
    final Semaphore saved = new Semaphore(0);

    @Override
    public Optional<InputStream> open(String storageId, long version) {
      return Optional.ofNullable(files.get(new Key(storageId, version)))
          .map(ByteArrayInputStream::new);
    }

    @Override
    public void save(String storageId, long version, DatasetStore.EncodingsWriter writer) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try {
        writer.writeTo(out);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      files.put(new Key(storageId, version), out.toByteArray());
      saves.incrementAndGet();
      saved.release();
    }
  }

  /** The executor, noting the columns of each restore that succeeded. */
  private static final class Restores implements Engine {
    final VectorizedExecutor executor;
    final List<Set<String>> restored = Collections.synchronizedList(new ArrayList<>());

    Restores(VectorizedExecutor executor) {
      this.executor = executor;
    }

    @Override
    public String name() {
      return executor.name();
    }

    @Override
    public Set<String> prepare(ArrowTableData table, Set<String> columns) {
      return executor.prepare(table, columns);
    }

    @Override
    public Set<String> save(ArrowTableData table, OutputStream out) throws IOException {
      return executor.save(table, out);
    }

    @Override
    public Set<String> restore(ArrowTableData table, InputStream in) throws IOException {
      Set<String> columns = executor.restore(table, in);
      restored.add(columns);
      return columns;
    }

    @Override
    public List<Object[]> execute(
        RelNode plan, Map<TableName, ? extends TableData> tables, ExecutionLimits limits) {
      return executor.execute(plan, tables, limits);
    }
  }

  private static boolean blocked(Thread thread) {
    return thread != null
        && (thread.getState() == Thread.State.WAITING
            || thread.getState() == Thread.State.TIMED_WAITING);
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
