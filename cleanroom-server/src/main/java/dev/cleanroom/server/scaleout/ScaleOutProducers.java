package dev.cleanroom.server.scaleout;

import dev.cleanroom.connectors.storage.DatasetStore;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Wires the scale-out engine (Spark) and the versions' Parquet form into the query flow. */
public class ScaleOutProducers {

  /** The scale-out engine: none until Spark is configured. */
  @Produces
  @Singleton
  ScaleOutEngine scaleOutEngine() {
    return ScaleOutEngine.none();
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
}
