package dev.cleanroom.server.scaleout;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.ParquetTableData;
import java.util.Optional;

/**
 * The engine outside the server's process (Spark) that {@code cleanroom.query.engine} {@code spark}
 * and {@code auto} run on, when the server is configured with one; it reads {@link
 * ParquetTableData}.
 */
public record ScaleOutEngine(Optional<Engine> engine) {
  public ScaleOutEngine {
    requireNonNull(engine, "engine is null");
    engine.ifPresent(
        configured -> {
          if (!ParquetTableData.class.isAssignableFrom(configured.reads())) {
            throw new IllegalArgumentException(
                "the scale-out engine '" + configured.name() + "' must read Parquet versions");
          }
        });
  }

  /** No scale-out engine: every query runs in the server's process. */
  public static ScaleOutEngine none() {
    return new ScaleOutEngine(Optional.empty());
  }

  public boolean configured() {
    return engine.isPresent();
  }
}
