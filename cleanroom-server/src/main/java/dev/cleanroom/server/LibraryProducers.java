package dev.cleanroom.server;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.connectors.storage.MasterKeyRing;
import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.engine.vectorized.VectorizedExecutor;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.SecureNoiseSource;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The one place where the framework-free libraries are wired into CDI: they have no annotations, so
 * the server builds them here from its configuration.
 */
public class LibraryProducers {
  private static final Logger LOG = Logger.getLogger(LibraryProducers.class);

  /**
   * The process's one Arrow root allocator and its two branches. Data (uploads, loaded versions,
   * answers) is limited by {@code cleanroom.arrow.max-bytes}; queries' accounts hang under their
   * own unlimited branch, so that a query fails for memory only by its own, per-query drawn limit
   * ({@code NoisyLimit}), never because other parties' data or other members' queries fill a shared
   * pool whose fullness the analyst could read.
   */
  record ArrowMemory(BufferAllocator root, BufferAllocator data, BufferAllocator queries) {
    /** Closes the branches, then the root; a leak in any of them fails the close. */
    void close() {
      try (BufferAllocator closingRoot = root;
          BufferAllocator closingData = data;
          BufferAllocator closingQueries = queries) {
        // Closed in reverse order: queries, data, then the root.
      }
    }
  }

  @Produces
  @Singleton
  ArrowMemory arrowMemory(
      @ConfigProperty(name = "cleanroom.arrow.max-bytes", defaultValue = "4294967296")
          long maxDataBytes,
      MeterRegistry metrics) {
    RootAllocator root = new RootAllocator(Long.MAX_VALUE);
    ArrowMemory memory =
        new ArrowMemory(
            root,
            root.newChildAllocator("data", 0, maxDataBytes),
            root.newChildAllocator("queries", 0, Long.MAX_VALUE));
    allocatedGauge(metrics, "data", memory.data());
    allocatedGauge(metrics, "queries", memory.queries());
    return memory;
  }

  /** {@code cleanroom.arrow.allocated.bytes}: the Arrow memory a branch holds now. */
  private static void allocatedGauge(MeterRegistry metrics, String branch, BufferAllocator memory) {
    Gauge.builder("cleanroom.arrow.allocated.bytes", memory, BufferAllocator::getAllocatedMemory)
        .description("Arrow memory held by a branch of the process's allocator")
        .baseUnit("bytes")
        .tag("allocator", branch)
        .register(metrics);
  }

  void closeArrowMemory(@Disposes ArrowMemory memory) {
    memory.close();
  }

  /** The allocator of data: uploads, loaded versions and answers take named children of it. */
  @Produces
  @Singleton
  BufferAllocator dataAllocator(ArrowMemory memory) {
    return memory.data();
  }

  /**
   * The encrypted dataset store under {@code <data-dir>/datasets}. The master key comes from {@code
   * cleanroom.master-key} (base64) or {@code cleanroom.master-key-file}; without either, a key is
   * generated once into {@code <data-dir>/master.key} (owner-only) so the run command needs no
   * setup (production refuses to start without one configured). The keys in {@code
   * cleanroom.master-key.previous-files} still unwrap data keys a rotation has not re-wrapped yet
   * ({@code MasterKeyRotation}). With {@code cleanroom.storage.parquet.enabled}, every version is
   * also kept as encrypted Parquet under {@code cleanroom.storage.parquet.root} (default {@code
   * <data-dir>/parquet}), for Spark; the store's own rewrites of it take children of the data
   * allocator.
   */
  @Produces
  @Singleton
  DatasetStore datasetStore(
      @ConfigProperty(name = "cleanroom.data-dir") String dataDir,
      @ConfigProperty(name = "cleanroom.master-key") Optional<String> masterKey,
      @ConfigProperty(name = "cleanroom.master-key-file") Optional<String> masterKeyFile,
      @ConfigProperty(name = "cleanroom.master-key.previous-files")
          Optional<List<String>> previousKeyFiles,
      @ConfigProperty(name = "cleanroom.storage.parquet.enabled") boolean parquetEnabled,
      @ConfigProperty(name = "cleanroom.storage.parquet.root") Optional<String> parquetRoot,
      ArrowMemory memory) {
    SecureRandom random = new SecureRandom();
    MasterKey key;
    if (masterKey.filter(k -> !k.isBlank()).isPresent()) {
      key = MasterKey.fromBase64(masterKey.get());
    } else if (masterKeyFile.filter(f -> !f.isBlank()).isPresent()) {
      key = MasterKey.fromFile(Path.of(masterKeyFile.get()));
    } else {
      key = generatedKey(Path.of(dataDir, "master.key"), random);
    }
    MasterKey current = key;
    List<MasterKey> previous =
        previousKeyFiles.orElse(List.of()).stream()
            .filter(file -> !file.isBlank())
            .map(file -> MasterKey.fromFile(Path.of(file.strip())))
            .filter(previousKey -> !previousKey.id().equals(current.id()))
            .toList();
    MasterKeyRing ring = new MasterKeyRing(current, previous);
    Path datasets = Path.of(dataDir, "datasets");
    if (!parquetEnabled) {
      return new DatasetStore(datasets, ring, random);
    }
    Path parquet =
        parquetRoot
            .filter(root -> !root.isBlank())
            .map(root -> Path.of(root.strip()))
            .orElse(Path.of(dataDir, "parquet"));
    LOG.infof("event=parquet_form_enabled root=%s", parquet);
    return new DatasetStore(datasets, ring, random, parquet, memory.data());
  }

  /**
   * One executor for the process, on the queries' branch of the process's allocator: it caches
   * string dictionaries per dataset version, and computes the SPI's keyed hash itself rather than
   * through Calcite's code.
   */
  @Produces
  @Singleton
  VectorizedExecutor vectorizedExecutor(ArrowMemory memory) {
    return new VectorizedExecutor(memory.queries());
  }

  /** Calcite's enumerable engine, for plan shapes the executor does not implement. */
  @Produces
  @Singleton
  ReferenceEngine referenceEngine(ArrowMemory memory) {
    return new ReferenceEngine(memory.queries());
  }

  /** Stateless and thread-safe: one for the process. */
  @Produces
  @Singleton
  QueryAnalyzer queryAnalyzer() {
    return new QueryAnalyzer();
  }

  /** Production noise: always from {@link SecureRandom}; seeded noise exists only in tests. */
  @Produces
  @Singleton
  NoiseSource noiseSource() {
    return SecureNoiseSource.create();
  }

  /**
   * The server-held key of the hash that picks each privacy unit's groups, from {@code
   * cleanroom.contribution-key} (base64 of 16 bytes) or generated once into {@code
   * <data-dir>/contribution.key}. It must stay stable, or a unit's kept groups would change.
   */
  @Produces
  @Singleton
  ContributionKey contributionKey(
      @ConfigProperty(name = "cleanroom.data-dir") String dataDir,
      @ConfigProperty(name = "cleanroom.contribution-key") Optional<String> configured) {
    return ContributionKey.of(contributionKeyBytes(dataDir, configured));
  }

  /**
   * The contribution key's 16 bytes: {@code cleanroom.contribution-key} (base64), or the key in
   * {@code <data-dir>/contribution.key}, generated there once if absent.
   */
  public static byte[] contributionKeyBytes(String dataDir, Optional<String> configured) {
    return randomKey(dataDir, "contribution.key", 16, configured);
  }

  /**
   * A key's bytes: {@code configured} (base64), or the key in {@code <data-dir>/<file>}, generated
   * there once ({@code length} random bytes) if absent.
   */
  private static byte[] randomKey(
      String dataDir, String file, int length, Optional<String> configured) {
    String text =
        configured
            .filter(k -> !k.isBlank())
            .orElseGet(
                () ->
                    secretFile(
                        Path.of(dataDir, file),
                        () -> {
                          byte[] bytes = new byte[length];
                          new SecureRandom().nextBytes(bytes);
                          return Base64.getEncoder().encodeToString(bytes);
                        }));
    return Base64.getDecoder().decode(text.strip());
  }

  /**
   * The subject key's 32 bytes, which fingerprint the people named in erasure receipts: {@code
   * cleanroom.subject-key} (base64), or the key in {@code <data-dir>/subject.key}, generated there
   * once if absent. Kept outside the metadata database, so that a copy of the database cannot test
   * guessed identifiers against the receipts.
   */
  public static byte[] subjectKeyBytes(String dataDir, Optional<String> configured) {
    byte[] key = randomKey(dataDir, "subject.key", 32, configured);
    if (key.length < 32) {
      throw new IllegalStateException("cleanroom.subject-key must be at least 32 bytes (base64)");
    }
    return key;
  }

  private static MasterKey generatedKey(Path file, SecureRandom random) {
    return MasterKey.fromBase64(secretFile(file, () -> MasterKey.generate(random).toBase64()));
  }

  /** Reads a secret file, creating it (owner-only, atomically) with {@code generate} if absent. */
  private static String secretFile(Path file, java.util.function.Supplier<String> generate) {
    try {
      if (Files.exists(file)) {
        return Files.readString(file, StandardCharsets.US_ASCII);
      }
      Files.createDirectories(file.getParent());
      String key = generate.get();
      Path temporary = Files.createTempFile(file.getParent(), "master", ".tmp");
      try {
        Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        LOG.warn("event=master_key_permissions_unsupported");
      }
      Files.writeString(temporary, key, StandardCharsets.US_ASCII, StandardOpenOption.SYNC);
      Files.move(temporary, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      LOG.warnf("event=secret_generated file=%s note=configure it explicitly in production", file);
      return key;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the secret file " + file, e);
    }
  }
}
