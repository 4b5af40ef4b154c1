package dev.cleanroom.connectors.storage;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.DataKey;
import dev.cleanroom.connectors.crypto.DecryptingInputStream;
import dev.cleanroom.connectors.crypto.EncryptingOutputStream;
import dev.cleanroom.connectors.crypto.KeyWrapper;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.crypto.WrappedKey;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.connectors.dataset.LoadedDataset;
import dev.cleanroom.connectors.ingest.DatasetIngestor;
import dev.cleanroom.connectors.ingest.IngestProgress;
import dev.cleanroom.connectors.ingest.UploadFormat;
import dev.cleanroom.spi.ColumnType;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Encrypted, versioned dataset storage under one directory: {@code <root>/<datasetId>/} holds, per
 * version, an AES-256-GCM encrypted Arrow IPC stream and its data key wrapped by the master key.
 * Optionally every version also has a Parquet form with Parquet modular encryption under {@code
 * <parquetRoot>/<datasetId>/v<version>/}, for engines outside the process (Spark); a version is
 * committed only with both. Versions are immutable; one writer per dataset at a time. Beside a
 * committed version, what an engine derived from it (its string encodings) may be kept, encrypted
 * under the version's key ({@link #saveEncodings}); it is removed with the version.
 */
public final class DatasetStore {
  private static final Pattern DATASET_ID =
      Pattern.compile("[A-Za-z0-9_-]{1,100}(\\.[A-Za-z0-9_-]{1,100}){0,4}");

  private final Path root;
  private final SecureRandom random;
  private final KeyWrapper keyWrapper;
  private final Map<String, Semaphore> writeLocks = new ConcurrentHashMap<>();
  private final ParquetForm parquetForm;
  private final BufferAllocator maintenanceAllocator;
  private volatile MasterKeyRing keys;

  /** A store of the Arrow form only. */
  public DatasetStore(Path root, MasterKeyRing keys, SecureRandom random) {
    this(root, keys, random, null, null);
  }

  /**
   * A store that also keeps every version in Parquet form under {@code parquetRoot}. The store's
   * own work on existing versions (the Parquet backfill, rewriting the Parquet form on a master key
   * rotation) takes named child allocators of {@code maintenanceAllocator}.
   */
  public DatasetStore(
      Path root,
      MasterKeyRing keys,
      SecureRandom random,
      Path parquetRoot,
      BufferAllocator maintenanceAllocator) {
    this.root = requireNonNull(root, "root is null");
    this.keys = requireNonNull(keys, "keys is null");
    this.random = requireNonNull(random, "random is null");
    this.keyWrapper = new KeyWrapper(random);
    if ((parquetRoot == null) != (maintenanceAllocator == null)) {
      throw new IllegalArgumentException(
          "the Parquet form needs both its root and an allocator, or neither");
    }
    try {
      Files.createDirectories(root);
    } catch (IOException e) {
      throw VersionFiles.failure("cannot create the store directory", e);
    }
    this.parquetForm = parquetRoot == null ? null : new ParquetForm(parquetRoot);
    this.maintenanceAllocator = maintenanceAllocator;
  }

  /** Whether every version is also kept in Parquet form. */
  public boolean keepsParquetForm() {
    return parquetForm != null;
  }

  /**
   * The directory of a committed version's complete Parquet form (its encrypted Parquet files, read
   * with {@link ParquetVersionWriter#sparkSettings}); empty if the store keeps no Parquet form, the
   * version does not exist, or its Parquet form is not written yet (see {@link
   * #backfillParquet()}).
   */
  public Optional<Path> parquetLocation(String datasetId, long version) {
    Path directory = directory(datasetId);
    if (parquetForm == null
        || version < 1
        || !Files.isRegularFile(directory.resolve(VersionFiles.dataFileName(version)))) {
      return Optional.empty();
    }
    return parquetForm.location(datasetId, version);
  }

  /** Committed versions of a dataset, oldest first; empty if it has none. */
  public List<Long> versions(String datasetId) {
    Path directory = directory(datasetId);
    if (!Files.isDirectory(directory)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(file -> VersionFiles.versionOf(file.getFileName().toString()))
          .filter(version -> version > 0)
          .sorted()
          .toList();
    } catch (IOException e) {
      throw VersionFiles.failure("cannot list versions of '" + datasetId + "'", e);
    }
  }

  public Optional<Long> latestVersion(String datasetId) {
    List<Long> versions = versions(datasetId);
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.get(versions.size() - 1));
  }

  /**
   * Starts the next version of a dataset. Blocks while another writer of the same dataset is open.
   * Use with try-with-resources and call {@link VersionWriter#commit()} only when the whole upload
   * was accepted.
   */
  public VersionWriter beginVersion(
      String datasetId, DatasetSchema schema, BufferAllocator allocator) {
    requireNonNull(schema, "schema is null");
    requireNonNull(allocator, "allocator is null");
    Semaphore lock = lockFor(datasetId);
    lock.acquireUninterruptibly();
    try {
      return beginVersionLocked(datasetId, schema, allocator, lock::release);
    } catch (RuntimeException e) {
      lock.release();
      throw e;
    }
  }

  /** Starts the next version; the caller holds the dataset's lock and is told on close. */
  private VersionWriter beginVersionLocked(
      String datasetId, DatasetSchema schema, BufferAllocator allocator, Runnable onClose) {
    Path directory = directory(datasetId);
    DataKey dataKey = DataKey.generate(random);
    try {
      Files.createDirectories(directory);
      deleteLeftovers(directory);
      if (parquetForm != null) {
        parquetForm.removeLeftovers(datasetId, versions(datasetId));
      }
      long version = latestVersion(datasetId).orElse(0L) + 1;
      Path keyFile = directory.resolve(VersionFiles.keyFileName(version));
      MasterKey current = keys.current();
      WrappedKey wrapped =
          keyWrapper.wrap(current, dataKey, VersionFiles.context(datasetId, version));
      VersionFiles.writeAtomically(keyFile, wrapped.text() + "\n");
      return new VersionWriter(
          datasetId,
          version,
          schema,
          directory,
          keyFile,
          dataKey,
          allocator,
          parquetForm,
          List.of(current),
          onClose);
    } catch (IOException e) {
      dataKey.destroy();
      throw VersionFiles.failure("cannot start a new version of '" + datasetId + "'", e);
    } catch (RuntimeException e) {
      dataKey.destroy();
      throw e;
    }
  }

  private Semaphore lockFor(String datasetId) {
    directory(datasetId); // validates the id before a lock is made for it
    return writeLocks.computeIfAbsent(datasetId, id -> new Semaphore(1));
  }

  /**
   * Reads, validates and stores an upload as the next version, all or nothing: on any refusal the
   * exception is thrown and no version, temporary file or key is left behind. Uses a child
   * allocator named after the dataset, closed before returning.
   */
  public StoredVersion upload(
      String datasetId,
      DatasetSchema schema,
      IngestRules rules,
      UploadFormat format,
      InputStream data,
      BufferAllocator allocator,
      IngestProgress progress) {
    requireNonNull(rules, "rules is null");
    return upload(datasetId, schema, () -> rules, format, data, allocator, progress);
  }

  /**
   * As {@link #upload(String, DatasetSchema, IngestRules, UploadFormat, InputStream,
   * BufferAllocator, IngestProgress)}, with the rules asked for once the dataset's write lock is
   * held: so they are those in force when the version is written, however long the upload waited.
   */
  public StoredVersion upload(
      String datasetId,
      DatasetSchema schema,
      Supplier<IngestRules> rules,
      UploadFormat format,
      InputStream data,
      BufferAllocator allocator,
      IngestProgress progress) {
    requireNonNull(rules, "rules is null");
    requireNonNull(allocator, "allocator is null");
    try (BufferAllocator upload =
            allocator.newChildAllocator("upload-" + datasetId, 0, allocator.getLimit());
        VersionWriter writer = beginVersion(datasetId, schema, upload)) {
      IngestRules inForce = requireNonNull(rules.get(), "the rules supplied are null");
      new DatasetIngestor().ingest(data, format, schema, inForce, upload, writer::write, progress);
      return writer.commit();
    }
  }

  /**
   * Runs {@code action} holding the dataset's write lock, so that no version is written meanwhile:
   * for a decision about the versions there are (a policy that declares something of every version
   * is checked and put in force under it, and uploads ask for their rules under it).
   */
  public <T> T whileNoVersionIsWritten(String datasetId, Supplier<T> action) {
    requireNonNull(action, "action is null");
    Semaphore lock = lockFor(datasetId);
    lock.acquireUninterruptibly();
    try {
      return action.get();
    } finally {
      lock.release();
    }
  }

  /**
   * Checks that {@code column} of a committed version has a value in every row and repeats none
   * (one row per privacy unit), in bounded memory; holds no lock (versions are immutable).
   *
   * @throws ConnectorException {@link ConnectorErrorCode#NULL_VALUE} when a row has none, {@link
   *     ConnectorErrorCode#DUPLICATE_VALUE} when it repeats one
   */
  public void requireOneRowPerUnit(
      String datasetId, long version, String column, BufferAllocator allocator) {
    requireNonNull(column, "column is null");
    try (BufferAllocator check =
            allocator.newChildAllocator(
                "unique-" + datasetId + "-v" + version, 0, allocator.getLimit());
        StoredVersionReader reader = openVersion(datasetId, version, check)) {
      new DatasetIngestor()
          .requireNonNullAndUnique(
              reader.schema(),
              column,
              new DatasetIngestor.StoredBatches() {
                @Override
                public boolean next() {
                  return reader.loadNextBatch();
                }

                @Override
                public VectorSchemaRoot batch() {
                  return reader.root();
                }
              });
    } catch (IOException e) {
      throw VersionFiles.failure(
          "cannot check version " + version + " of '" + datasetId + "' for repeats", e);
    }
  }

  /** Opens a committed version for streaming reads. */
  public StoredVersionReader openVersion(
      String datasetId, long version, BufferAllocator allocator) {
    requireNonNull(allocator, "allocator is null");
    Path directory = directory(datasetId);
    Path dataFile = directory.resolve(VersionFiles.dataFileName(version));
    String context = VersionFiles.context(datasetId, version);
    DataKey dataKey = unwrapKey(directory.resolve(VersionFiles.keyFileName(version)), context);
    InputStream decrypted = null;
    try {
      InputStream file = new BufferedInputStream(Files.newInputStream(dataFile), 1 << 16);
      decrypted = new DecryptingInputStream(file, dataKey, context);
      return new StoredVersionReader(
          new StoredVersion(datasetId, version, 0), decrypted, dataKey, allocator);
    } catch (NoSuchFileException e) {
      dataKey.destroy();
      throw notFound(datasetId, version);
    } catch (IOException e) {
      closeQuietly(decrypted);
      dataKey.destroy();
      throw VersionFiles.failure("cannot read version " + version + " of '" + datasetId + "'", e);
    } catch (RuntimeException e) {
      closeQuietly(decrypted);
      dataKey.destroy();
      throw e;
    }
  }

  /** Writes what an engine derived from a version, for {@link #saveEncodings}. */
  @FunctionalInterface
  public interface EncodingsWriter {
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * Keeps what an engine derived from committed version {@code version} (its string encodings) with
   * the version, encrypted and authenticated under the version's data key for this dataset, version
   * and purpose, and written aside, fsynced and renamed into place, replacing an earlier one. Holds
   * the dataset's lock, so it never lands beside a version being removed; a version removed before
   * is left alone. The file goes with the version: {@link #removeVersion} and an erasure's removals
   * delete it first.
   *
   * @return whether it was written (false when the version is no longer stored)
   */
  public boolean saveEncodings(String datasetId, long version, EncodingsWriter writer) {
    requireNonNull(writer, "writer is null");
    Path directory = directory(datasetId);
    Semaphore lock = lockFor(datasetId);
    lock.acquireUninterruptibly();
    try {
      if (!Files.isRegularFile(directory.resolve(VersionFiles.dataFileName(version)))) {
        return false;
      }
      String context = VersionFiles.context(datasetId, version);
      DataKey dataKey = unwrapKey(directory.resolve(VersionFiles.keyFileName(version)), context);
      Path target = directory.resolve(VersionFiles.encodingsFileName(version));
      Path temp =
          directory.resolve(
              VersionFiles.TEMP_PREFIX + target.getFileName() + "-" + System.nanoTime());
      try (FileChannel channel =
          FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        try (OutputStream encrypted =
            new EncryptingOutputStream(
                new BufferedOutputStream(
                    new VersionFiles.KeepOpen(Channels.newOutputStream(channel)), 1 << 16),
                dataKey,
                VersionFiles.encodingsContext(datasetId, version))) {
          writer.writeTo(encrypted);
        }
        channel.force(true);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(temp);
        throw e;
      } finally {
        dataKey.destroy();
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } finally {
        Files.deleteIfExists(temp);
      }
      VersionFiles.syncDirectory(directory);
      return true;
    } catch (IOException e) {
      throw VersionFiles.failure(
          "cannot keep encodings of version " + version + " of '" + datasetId + "'", e);
    } finally {
      lock.release();
    }
  }

  /**
   * Opens what {@link #saveEncodings} kept with a committed version, decrypting and authenticating
   * as it is read (a file altered, cut short or taken from another version fails with {@link
   * ConnectorErrorCode#INTEGRITY_FAILURE}; read it to its end to authenticate its last part), or
   * nothing when none was kept. The caller closes the stream.
   */
  public Optional<InputStream> openEncodings(String datasetId, long version) {
    Path directory = directory(datasetId);
    Path file = directory.resolve(VersionFiles.encodingsFileName(version));
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    String context = VersionFiles.context(datasetId, version);
    DataKey dataKey = unwrapKey(directory.resolve(VersionFiles.keyFileName(version)), context);
    InputStream opened = null;
    try {
      opened = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
      InputStream decrypted =
          new DecryptingInputStream(
              opened, dataKey, VersionFiles.encodingsContext(datasetId, version));
      return Optional.of(
          new FilterInputStream(decrypted) {
            @Override
            public void close() throws IOException {
              try {
                super.close();
              } finally {
                dataKey.destroy();
              }
            }
          });
    } catch (NoSuchFileException e) {
      dataKey.destroy();
      return Optional.empty();
    } catch (IOException e) {
      closeQuietly(opened);
      dataKey.destroy();
      throw VersionFiles.failure(
          "cannot read encodings of version " + version + " of '" + datasetId + "'", e);
    } catch (RuntimeException e) {
      closeQuietly(opened);
      dataKey.destroy();
      throw e;
    }
  }

  /** Loads a committed version into memory, in a child allocator the result owns. */
  public LoadedDataset load(String datasetId, long version, BufferAllocator allocator) {
    BufferAllocator owned =
        allocator.newChildAllocator(
            "dataset-" + datasetId + "-v" + version, 0, allocator.getLimit());
    List<VectorSchemaRoot> batches = new ArrayList<>();
    try (StoredVersionReader reader = openVersion(datasetId, version, owned)) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot source = reader.root();
        VectorSchemaRoot copy = VectorSchemaRoot.create(source.getSchema(), owned);
        batches.add(copy);
        try (ArrowRecordBatch recordBatch = new VectorUnloader(source).getRecordBatch()) {
          new VectorLoader(copy).load(recordBatch);
        }
      }
      return new LoadedDataset(datasetId, version, reader.schema(), owned, batches);
    } catch (RuntimeException e) {
      batches.forEach(VectorSchemaRoot::close);
      owned.close();
      throw e;
    }
  }

  /**
   * Writes a new version without every row whose {@code unitColumn} equals {@code unitValue} (an
   * erasure request), then removes every older version that holds a row of that unit, in both
   * forms, so that no stored version keeps the person. The unit column must be BIGINT, INTEGER or
   * VARCHAR; the value is given as text, as it arrives in a request.
   */
  public ErasureResult erase(
      String datasetId, String unitColumn, String unitValue, BufferAllocator allocator) {
    requireNonNull(unitColumn, "unitColumn is null");
    requireNonNull(unitValue, "unitValue is null");
    // Held from reading the latest version to committing its successor, so no upload in between
    // is lost from the erased version.
    Semaphore lock = lockFor(datasetId);
    lock.acquireUninterruptibly();
    try {
      return eraseLocked(datasetId, unitColumn, unitValue, allocator);
    } finally {
      lock.release();
    }
  }

  private ErasureResult eraseLocked(
      String datasetId, String unitColumn, String unitValue, BufferAllocator allocator) {
    long latest =
        latestVersion(datasetId)
            .orElseThrow(
                () ->
                    new ConnectorException(
                        ConnectorErrorCode.NOT_FOUND, "dataset '" + datasetId + "' has no data"));
    try (BufferAllocator erasure =
            allocator.newChildAllocator("erase-" + datasetId, 0, allocator.getLimit());
        StoredVersionReader reader = openVersion(datasetId, latest, erasure)) {
      DatasetSchema schema = reader.schema();
      int column = columnIndex(schema, datasetId, unitColumn);
      Object target = unitKey(schema.column(column).type(), unitColumn, unitValue);
      long removed = 0;
      StoredVersion written;
      try (VersionWriter writer = beginVersionLocked(datasetId, schema, erasure, () -> {});
          VectorSchemaRoot kept = VectorSchemaRoot.create(schema.arrowSchema(), erasure)) {
        while (reader.loadNextBatch()) {
          VectorSchemaRoot batch = reader.root();
          FieldVector units = batch.getVector(column);
          kept.allocateNew();
          int count = 0;
          for (int row = 0; row < batch.getRowCount(); row++) {
            if (matches(units, row, target)) {
              removed++;
              continue;
            }
            for (int c = 0; c < schema.size(); c++) {
              kept.getVector(c).copyFromSafe(row, count, batch.getVector(c));
            }
            count++;
          }
          kept.setRowCount(count);
          writer.write(kept);
        }
        written = writer.commit();
      } catch (IOException e) {
        throw VersionFiles.failure("erasure in '" + datasetId + "' failed", e);
      }
      List<Long> versionsRemoved = new ArrayList<>();
      for (long older : versions(datasetId)) {
        if (older < written.version()
            && unitRowsIn(datasetId, older, unitColumn, unitValue, erasure) > 0) {
          removeVersionLocked(datasetId, older);
          versionsRemoved.add(older);
        }
      }
      return new ErasureResult(written, removed, versionsRemoved);
    }
  }

  /**
   * How many rows of a committed version have {@code unitValue} in {@code unitColumn}: what a
   * provider's lookup of one person in its own data counts. Typed and matched as {@link #erase}
   * does; holds no lock (versions are immutable).
   */
  public long unitRows(
      String datasetId,
      long version,
      String unitColumn,
      String unitValue,
      BufferAllocator allocator) {
    requireNonNull(unitColumn, "unitColumn is null");
    requireNonNull(unitValue, "unitValue is null");
    return unitRowsIn(datasetId, version, unitColumn, unitValue, allocator);
  }

  private long unitRowsIn(
      String datasetId,
      long version,
      String unitColumn,
      String unitValue,
      BufferAllocator allocator) {
    try (BufferAllocator lookup =
            allocator.newChildAllocator(
                "unit-rows-" + datasetId + "-v" + version, 0, allocator.getLimit());
        StoredVersionReader reader = openVersion(datasetId, version, lookup)) {
      DatasetSchema schema = reader.schema();
      int column = columnIndex(schema, datasetId, unitColumn);
      Object target = unitKey(schema.column(column).type(), unitColumn, unitValue);
      long rows = 0;
      while (reader.loadNextBatch()) {
        VectorSchemaRoot batch = reader.root();
        FieldVector units = batch.getVector(column);
        for (int row = 0; row < batch.getRowCount(); row++) {
          if (matches(units, row, target)) {
            rows++;
          }
        }
      }
      return rows;
    }
  }

  /**
   * Re-wraps every data key under {@code newKey}; Arrow data files are not touched. Keys already
   * under the new key are skipped, so an interrupted rotation is completed by running it again with
   * the old key among the retired ones. Uploads may continue: new versions use the new key at once,
   * and each dataset is re-wrapped under its lock, after any upload begun under the old key.
   *
   * <p>The Parquet form keeps its data keys inside each file's footer, where they cannot be
   * re-wrapped alone: a version whose key file is re-wrapped gets its Parquet form rewritten from
   * the Arrow form under the new key first (written aside, then renamed over the old one), so the
   * Parquet form is never under an older key than the key file and a rotation run again finds it.
   *
   * @return the number of key files re-wrapped
   */
  public int rotateMasterKey(MasterKey newKey) {
    return rotateMasterKey(newKey, RotationProgress.NONE);
  }

  /**
   * {@link #rotateMasterKey(MasterKey)}, telling {@code progress} after each key file is re-wrapped
   * (its new content fsynced and renamed into place); an exception from it stops the rotation
   * there, as a crash would.
   */
  public int rotateMasterKey(MasterKey newKey, RotationProgress progress) {
    requireNonNull(newKey, "newKey is null");
    requireNonNull(progress, "progress is null");
    MasterKeyRing ring = keys;
    List<MasterKey> retired = new ArrayList<>(ring.retired());
    if (!ring.current().id().equals(newKey.id())) {
      retired.add(ring.current());
    }
    MasterKeyRing rotated = new MasterKeyRing(newKey, retired);
    // New versions are wrapped under the new key from now on; the old one still unwraps.
    keys = rotated;
    int rewrapped = 0;
    try (Stream<Path> datasets = Files.list(root)) {
      for (Path directory : datasets.filter(Files::isDirectory).sorted().toList()) {
        String datasetId = directory.getFileName().toString();
        // An upload begun before the rotation may still commit under the old key: wait for it.
        Semaphore lock = lockFor(datasetId);
        lock.acquireUninterruptibly();
        try {
          rewrapped += rewrapDataset(directory, datasetId, rotated, newKey, progress);
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw VersionFiles.failure("master key rotation failed", e);
    }
    return rewrapped;
  }

  private int rewrapDataset(
      Path directory,
      String datasetId,
      MasterKeyRing rotated,
      MasterKey newKey,
      RotationProgress progress)
      throws IOException {
    int rewrapped = 0;
    for (long version : versions(datasetId)) {
      Path keyFile = directory.resolve(VersionFiles.keyFileName(version));
      WrappedKey wrapped = readKeyFile(keyFile);
      if (wrapped.masterKeyId().equals(newKey.id())) {
        continue;
      }
      if (parquetForm != null) {
        writeParquetForm(datasetId, version, "rotate");
      }
      String context = VersionFiles.context(datasetId, version);
      WrappedKey rewrappedKey =
          keyWrapper.rewrap(rotated.keyWithId(wrapped.masterKeyId()), newKey, wrapped, context);
      VersionFiles.writeAtomically(keyFile, rewrappedKey.text() + "\n");
      rewrapped++;
      progress.onRewrapped(datasetId, version);
    }
    return rewrapped;
  }

  /**
   * Writes the Parquet form of every committed version that lacks it (all of them when the store
   * starts keeping the Parquet form), and removes what a crash left of earlier writes. Each form is
   * written aside and renamed into place, so the backfill may be killed and run again; versions
   * with a complete form are skipped. Runs each dataset under its lock, beside uploads.
   *
   * @return the number of Parquet forms written
   */
  public int backfillParquet() {
    if (parquetForm == null) {
      return 0;
    }
    int written = 0;
    try (Stream<Path> datasets = Files.list(root)) {
      for (Path directory : datasets.filter(Files::isDirectory).sorted().toList()) {
        String datasetId = directory.getFileName().toString();
        Semaphore lock = lockFor(datasetId);
        lock.acquireUninterruptibly();
        try {
          List<Long> versions = versions(datasetId);
          parquetForm.removeLeftovers(datasetId, versions);
          for (long version : versions) {
            if (parquetForm.location(datasetId, version).isEmpty()) {
              writeParquetForm(datasetId, version, "backfill");
              written++;
            }
          }
        } finally {
          lock.release();
        }
      }
    } catch (IOException e) {
      throw VersionFiles.failure("the Parquet backfill failed", e);
    }
    return written;
  }

  /** (Re)writes a committed version's Parquet form from its Arrow form, under the current key. */
  private void writeParquetForm(String datasetId, long version, String purpose) throws IOException {
    try (BufferAllocator allocator =
            maintenanceAllocator.newChildAllocator(
                purpose + "-" + datasetId + "-v" + version, 0, maintenanceAllocator.getLimit());
        StoredVersionReader reader = openVersion(datasetId, version, allocator);
        ParquetForm.Staged staged =
            parquetForm.stage(
                datasetId, version, reader.root().getSchema(), List.of(keys.current()))) {
      while (reader.loadNextBatch()) {
        staged.write(reader.root());
      }
      staged.publish();
    }
  }

  /**
   * Removes a committed version other than the latest in both forms: first its Arrow data file
   * (after which it is no version), then its key file and its Parquet form. A crash in between
   * leaves only files that no read takes and the next write of the dataset removes. The latest
   * version is refused, so a version number is never used twice.
   */
  public void removeVersion(String datasetId, long version) {
    Semaphore lock = lockFor(datasetId);
    lock.acquireUninterruptibly();
    try {
      removeVersionLocked(datasetId, version);
    } finally {
      lock.release();
    }
  }

  private void removeVersionLocked(String datasetId, long version) {
    Path directory = directory(datasetId);
    try {
      Path dataFile = directory.resolve(VersionFiles.dataFileName(version));
      if (!Files.isRegularFile(dataFile)) {
        throw notFound(datasetId, version);
      }
      if (latestVersion(datasetId).orElseThrow() == version) {
        throw new ConnectorException(
            ConnectorErrorCode.INVALID_ARGUMENT,
            "version "
                + version
                + " is the latest of dataset '"
                + datasetId
                + "'; only an older version can be removed");
      }
      // What was derived from it first: a crash after this leaves the version whole without it.
      Files.deleteIfExists(directory.resolve(VersionFiles.encodingsFileName(version)));
      Files.delete(dataFile);
      VersionFiles.syncDirectory(directory);
      Files.deleteIfExists(directory.resolve(VersionFiles.keyFileName(version)));
      if (parquetForm != null) {
        parquetForm.remove(datasetId, version);
      }
    } catch (IOException e) {
      throw VersionFiles.failure(
          "removing version " + version + " of '" + datasetId + "' failed", e);
    }
  }

  /**
   * How many versions' data keys are wrapped under each master key, by key id, over the whole
   * store. A rotation is complete when the current key's id is the only one.
   */
  public Map<String, Long> keyFilesByMasterKey() {
    Map<String, Long> counts = new TreeMap<>();
    try (Stream<Path> datasets = Files.list(root)) {
      for (Path directory : datasets.filter(Files::isDirectory).sorted().toList()) {
        String datasetId = directory.getFileName().toString();
        for (long version : versions(datasetId)) {
          WrappedKey wrapped = readKeyFile(directory.resolve(VersionFiles.keyFileName(version)));
          counts.merge(wrapped.masterKeyId(), 1L, Long::sum);
        }
      }
    } catch (IOException e) {
      throw VersionFiles.failure("cannot list the store", e);
    }
    return counts;
  }

  /** The master keys in use: new data keys are wrapped under the current one. */
  public MasterKeyRing keys() {
    return keys;
  }

  private DataKey unwrapKey(Path keyFile, String context) {
    WrappedKey wrapped = readKeyFile(keyFile);
    return keyWrapper.unwrap(keys.keyWithId(wrapped.masterKeyId()), wrapped, context);
  }

  private static WrappedKey readKeyFile(Path keyFile) {
    try {
      return WrappedKey.parse(Files.readString(keyFile, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      throw new ConnectorException(
          ConnectorErrorCode.NOT_FOUND, "no key file for '" + keyFile.getFileName() + "'");
    } catch (IOException e) {
      throw VersionFiles.failure("cannot read key file '" + keyFile.getFileName() + "'", e);
    }
  }

  /** Removes temporary files a crashed writer left behind; called with the dataset's lock held. */
  private static void deleteLeftovers(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      for (Path file : files.toList()) {
        if (file.getFileName().toString().startsWith(VersionFiles.TEMP_PREFIX)) {
          Files.deleteIfExists(file);
        }
      }
    }
  }

  private Path directory(String datasetId) {
    requireNonNull(datasetId, "datasetId is null");
    if (!DATASET_ID.matcher(datasetId).matches()) {
      throw new ConnectorException(
          ConnectorErrorCode.INVALID_ARGUMENT,
          "dataset id must be letters, digits, '_' and '-', in up to five '.'-separated parts");
    }
    return root.resolve(datasetId);
  }

  private static int columnIndex(DatasetSchema schema, String datasetId, String column) {
    return schema
        .indexOf(column)
        .orElseThrow(
            () ->
                new ConnectorException(
                    ConnectorErrorCode.INVALID_ARGUMENT,
                    "dataset '" + datasetId + "' has no column '" + column + "'"));
  }

  private static Object unitKey(ColumnType type, String column, String text) {
    switch (type.kind()) {
      case VARCHAR:
        return text;
      case BIGINT:
      case INTEGER:
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException e) {
          throw new ConnectorException(
              ConnectorErrorCode.INVALID_ARGUMENT,
              "the unit to erase is not an integer, as column '" + column + "' is");
        }
      default:
        throw new ConnectorException(
            ConnectorErrorCode.INVALID_ARGUMENT,
            "column '"
                + column
                + "' is "
                + type
                + "; a privacy unit is BIGINT, INTEGER or VARCHAR");
    }
  }

  private static boolean matches(FieldVector units, int row, Object target) {
    if (units.isNull(row)) {
      return false;
    }
    Object value = units.getObject(row);
    if (target instanceof Long number) {
      return ((Number) value).longValue() == number;
    }
    return value.toString().equals(target);
  }

  private static ConnectorException notFound(String datasetId, long version) {
    return new ConnectorException(
        ConnectorErrorCode.NOT_FOUND, "dataset '" + datasetId + "' has no version " + version);
  }

  private static void closeQuietly(InputStream stream) {
    if (stream != null) {
      try {
        stream.close();
      } catch (IOException e) {
        // already failing; the first error is the one reported
      }
    }
  }
}
