package dev.cleanroom.connectors.storage;

import static java.util.Objects.requireNonNull;

/** A committed, immutable version of a dataset. */
public record StoredVersion(String datasetId, long version, long rows) {
  public StoredVersion {
    requireNonNull(datasetId, "datasetId is null");
    if (version < 1) {
      throw new IllegalArgumentException("version must be positive, got " + version);
    }
    if (rows < 0) {
      throw new IllegalArgumentException("rows must not be negative, got " + rows);
    }
  }
}
