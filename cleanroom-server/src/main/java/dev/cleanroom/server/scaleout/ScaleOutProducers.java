package dev.cleanroom.server.scaleout;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Optional;

/** Wires the scale-out engine (Spark) and the versions' Parquet form into the query flow. */
public class ScaleOutProducers {

  /** The scale-out engine: none until Spark is configured. */
  @Produces
  @Singleton
  ScaleOutEngine scaleOutEngine() {
    return ScaleOutEngine.none();
  }

  /** Where each version's Parquet form is: nowhere until the store writes one. */
  @Produces
  @Singleton
  ParquetVersions parquetVersions() {
    return (storageId, version) -> Optional.empty();
  }
}
