package dev.cleanroom.server.scaleout;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Which engine runs a collaboration's queries: the server's {@code cleanroom.query.engine}, or the
 * collaboration's own setting when it has one.
 */
public enum EngineMode {
  /**
   * The in-process vectorized executor (with Calcite's engine for shapes it does not implement).
   */
  VECTORIZED,
  /** Apache Spark through Spark Connect, over the versions' encrypted Parquet form. */
  SPARK,
  /**
   * Spark when a version the query reads was marked large when it was stored ({@code
   * dev.cleanroom.server.dataset.ScaleOutMarks}), else the vectorized executor.
   */
  AUTO;

  /** The name used in configuration, requests and answers: {@code vectorized}, ... */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The mode named {@code name} ({@code vectorized}, {@code spark} or {@code auto}), if any. */
  public static Optional<EngineMode> named(String name) {
    if (name == null) {
      return Optional.empty();
    }
    return Arrays.stream(values()).filter(mode -> mode.configName().equals(name)).findFirst();
  }

  /** The accepted names, for messages: {@code vectorized, spark, auto}. */
  public static String names() {
    return Arrays.stream(values()).map(EngineMode::configName).collect(Collectors.joining(", "));
  }
}
