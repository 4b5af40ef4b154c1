package dev.cleanroom.benchmarks;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.crypto.SealedSecret;
import dev.cleanroom.connectors.storage.ParquetVersionWriter;
import dev.cleanroom.engine.ParquetTableData;
import dev.cleanroom.engine.spark.LocalSparkConnect;
import dev.cleanroom.engine.spark.SparkEngine;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Spark column of the benchmark: the same tables written as encrypted Parquet versions (as the
 * server stores them with the Parquet form on), a local Spark Connect server ({@code local[2]},
 * loopback, in its own JVM) started from the {@code spark-runtime} jars directory, and the server's
 * {@link SparkEngine} running the same private plan over them.
 */
final class SparkColumn implements AutoCloseable {
  private final LocalSparkConnect server;
  private final SparkEngine engine;
  private final Map<TableName, ParquetTableData> tables;

  private SparkColumn(
      LocalSparkConnect server, SparkEngine engine, Map<TableName, ParquetTableData> tables) {
    this.server = server;
    this.engine = engine;
    this.tables = tables;
  }

  /**
   * Writes {@code tables} under {@code workDirectory} and starts Spark with {@code driverMemory} of
   * heap from {@code jarsDirectory}.
   */
  static SparkColumn start(
      Map<TableName, InMemoryTable> tables,
      Path jarsDirectory,
      Path workDirectory,
      String driverMemory)
      throws IOException {
    SecureRandom random = new SecureRandom();
    MasterKey masterKey = MasterKey.generate(random);
    Path keyFile = workDirectory.resolve("master.key");
    Files.createDirectories(workDirectory);
    Files.writeString(keyFile, masterKey.toBase64(), StandardCharsets.US_ASCII);
    Path parquetRoot = workDirectory.resolve("parquet");
    if (Files.exists(parquetRoot)) {
      // The previous run's versions: this run writes its own data.
      try (Stream<Path> paths = Files.walk(parquetRoot)) {
        for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
          Files.delete(path);
        }
      }
    }
    Map<TableName, ParquetTableData> parquet = new HashMap<>();
    for (Map.Entry<TableName, InMemoryTable> entry : tables.entrySet()) {
      Path directory =
          parquetRoot.resolve(entry.getKey().member() + "." + entry.getKey().dataset() + "/v1");
      try (ParquetVersionWriter writer =
          ParquetVersionWriter.open(directory, entry.getValue().schema(), List.of(masterKey))) {
        for (VectorSchemaRoot batch : entry.getValue().batches()) {
          writer.write(batch);
        }
        writer.finish();
      }
      parquet.put(
          entry.getKey(),
          new Version(entry.getValue().schema(), directory.toAbsolutePath().toUri().toString()));
    }
    Map<String, String> settings =
        new LinkedHashMap<>(ParquetVersionWriter.sparkSettings(List.of(keyFile)));
    settings.put("spark.driver.memory", driverMemory);
    // -Dbench.spark.conf=key=value,key=value: more Spark settings for the server (e.g. to turn
    // whole-stage code generation or adaptive execution off while comparing).
    for (String setting : System.getProperty("bench.spark.conf", "").split(",")) {
      int equals = setting.indexOf('=');
      if (equals > 0) {
        settings.put(setting.substring(0, equals).strip(), setting.substring(equals + 1).strip());
      }
    }
    LocalSparkConnect server =
        LocalSparkConnect.start(
            jarsDirectory, workDirectory.resolve("spark"), settings, Duration.ofMinutes(3));
    SparkEngine engine =
        new SparkEngine(server.remote(), secret -> SealedSecret.seal(masterKey, secret, random));
    return new SparkColumn(server, engine, Map.copyOf(parquet));
  }

  SparkEngine engine() {
    return engine;
  }

  Map<TableName, ParquetTableData> tables() {
    return tables;
  }

  @Override
  public void close() {
    server.close();
  }

  /** A stored version's Parquet form, as the server gives it to the Spark engine. */
  private record Version(Schema schema, String location) implements ParquetTableData {}
}
