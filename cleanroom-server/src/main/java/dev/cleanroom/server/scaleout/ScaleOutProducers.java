package dev.cleanroom.server.scaleout;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.crypto.SealedSecret;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.connectors.storage.ParquetVersionWriter;
import dev.cleanroom.engine.spark.LocalSparkConnect;
import dev.cleanroom.engine.spark.SecretSealer;
import dev.cleanroom.engine.spark.SparkEngine;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Wires the scale-out engine (Spark) and the versions' Parquet form into the query flow: a {@link
 * SparkEngine} on the Spark Connect server at {@code cleanroom.spark.remote}, or on one the server
 * starts itself ({@code cleanroom.spark.embedded}) and stops when it stops.
 */
public class ScaleOutProducers {
  private static final Logger LOG = Logger.getLogger(ScaleOutProducers.class);
  private static final Duration EMBEDDED_START_TIMEOUT = Duration.ofMinutes(3);

  /** The Spark Connect server queries go to, and the embedded one the server started, if any. */
  record SparkConnection(String remote, Optional<LocalSparkConnect> embedded) {}

  /**
   * The Spark Connect server, when one is configured: {@code cleanroom.spark.remote}, or an
   * embedded one started now on the loopback from {@code cleanroom.spark.runtime-dir}, given the
   * master key files (the store's current key first) so that it reads the encrypted Parquet form
   * and unseals the contribution key.
   */
  @Produces
  @Singleton
  Optional<SparkConnection> sparkConnection(
      @ConfigProperty(name = ParquetForSpark.REMOTE) Optional<String> remote,
      @ConfigProperty(name = ParquetForSpark.EMBEDDED) boolean embedded,
      @ConfigProperty(name = "cleanroom.spark.runtime-dir") String runtimeDir,
      @ConfigProperty(name = "cleanroom.data-dir") String dataDir,
      @ConfigProperty(name = "cleanroom.master-key-file") Optional<String> masterKeyFile,
      @ConfigProperty(name = "cleanroom.master-key.previous-files")
          Optional<List<String>> previousKeyFiles,
      DatasetStore store) {
    Optional<String> configured = remote.map(String::strip).filter(r -> !r.isEmpty());
    if (configured.isPresent() && embedded) {
      throw new IllegalStateException(
          "set either cleanroom.spark.remote or cleanroom.spark.embedded=true, not both");
    }
    if (configured.isPresent()) {
      LOG.infof("event=spark_remote remote=%s", configured.get());
      return Optional.of(new SparkConnection(configured.get(), Optional.empty()));
    }
    if (!embedded) {
      return Optional.empty();
    }
    List<Path> keyFiles = masterKeyFiles(store, dataDir, masterKeyFile, previousKeyFiles);
    Path jars = Path.of(runtimeDir).toAbsolutePath();
    try {
      LocalSparkConnect local =
          LocalSparkConnect.start(
              jars,
              Path.of(dataDir, "spark").toAbsolutePath(),
              ParquetVersionWriter.sparkSettings(keyFiles),
              EMBEDDED_START_TIMEOUT);
      LOG.infof("event=spark_embedded_started remote=%s log=%s", local.remote(), local.logFile());
      return Optional.of(new SparkConnection(local.remote(), Optional.of(local)));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot start the embedded Spark Connect server from " + jars, e);
    }
  }

  /** Stops the embedded Spark Connect server, and every process it started, at shut-down. */
  void stopEmbedded(@Disposes Optional<SparkConnection> connection) {
    connection
        .flatMap(SparkConnection::embedded)
        .ifPresent(
            local -> {
              local.close();
              LOG.info("event=spark_embedded_stopped");
            });
  }

  /**
   * Seals the contribution key for Spark: AES-256-GCM under a key derived from the store's current
   * master key ({@link SealedSecret}), which Spark's side unseals with the same master key files.
   */
  @Produces
  @Singleton
  SecretSealer secretSealer(DatasetStore store) {
    SecureRandom random = new SecureRandom();
    return secret -> SealedSecret.seal(store.keys().current(), secret, random);
  }

  /**
   * The scale-out engine: a {@link SparkEngine} on the configured Spark Connect server, whose
   * contribution key is sealed by {@code sealer}; none without Spark. The server's {@code
   * cleanroom.query.engine} of {@code spark} or {@code auto} needs one.
   */
  @Produces
  @Singleton
  ScaleOutEngine scaleOutEngine(
      Optional<SparkConnection> connection,
      SecretSealer sealer,
      @ConfigProperty(name = "cleanroom.query.engine") String engineSetting) {
    if (connection.isEmpty()) {
      if (EngineMode.named(engineSetting).orElse(EngineMode.VECTORIZED) != EngineMode.VECTORIZED) {
        throw new IllegalStateException(
            "cleanroom.query.engine="
                + engineSetting
                + " needs a Spark engine: set cleanroom.spark.remote or"
                + " cleanroom.spark.embedded=true");
      }
      return ScaleOutEngine.none();
    }
    return new ScaleOutEngine(Optional.of(new SparkEngine(connection.get().remote(), sealer)));
  }

  /** Builds the Spark engine (and starts the embedded Spark) with the application. */
  void startWithTheServer(@Observes StartupEvent event, ScaleOutEngine engine) {
    engine.engine().ifPresent(spark -> LOG.infof("event=scale_out_engine name=%s", spark.name()));
  }

  /**
   * Where each version's encrypted Parquet form is, as an absolute file URI (the store writes it
   * when {@code cleanroom.storage.parquet.enabled} is on, which a configured Spark forces).
   */
  @Produces
  @Singleton
  ParquetVersions parquetVersions(DatasetStore store) {
    return (storageId, version) ->
        store
            .parquetLocation(storageId, version)
            .map(location -> location.toAbsolutePath().toUri().toString());
  }

  /**
   * The master key files the embedded Spark reads, the current first: {@code
   * cleanroom.master-key-file}, or the key the server generated into {@code <data-dir>/master.key}
   * (the demo), then {@code cleanroom.master-key.previous-files}. A key given inline ({@code
   * cleanroom.master-key}) has no file to hand over, so the embedded Spark needs the file setting.
   */
  private static List<Path> masterKeyFiles(
      DatasetStore store,
      String dataDir,
      Optional<String> masterKeyFile,
      Optional<List<String>> previousKeyFiles) {
    Path current =
        masterKeyFile
            .map(String::strip)
            .filter(file -> !file.isEmpty())
            .map(Path::of)
            .orElse(Path.of(dataDir, "master.key"));
    MasterKey currentKey = store.keys().current();
    if (!current.toFile().isFile() || !MasterKey.fromFile(current).id().equals(currentKey.id())) {
      throw new IllegalStateException(
          "the embedded Spark needs the current master key as a file: set"
              + " cleanroom.master-key-file rather than cleanroom.master-key");
    }
    List<Path> files = new ArrayList<>();
    files.add(current.toAbsolutePath());
    previousKeyFiles.orElse(List.of()).stream()
        .map(String::strip)
        .filter(file -> !file.isEmpty())
        .map(file -> Path.of(file).toAbsolutePath())
        .filter(file -> !files.contains(file))
        .forEach(files::add);
    return files;
  }
}
