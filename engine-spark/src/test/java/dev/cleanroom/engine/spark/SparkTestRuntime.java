package dev.cleanroom.engine.spark;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the tests find the Spark Connect server's jars: spark-runtime's build output. */
final class SparkTestRuntime {
  private SparkTestRuntime() {}

  static Path jarsDirectory() {
    Path jars = Path.of(System.getProperty("cleanroom.spark.runtime-jars"));
    if (!Files.isDirectory(jars)) {
      throw new IllegalStateException(
          "no Spark jars at "
              + jars
              + ": build spark-runtime first (./mvnw install -pl spark-runtime)");
    }
    return jars;
  }
}
