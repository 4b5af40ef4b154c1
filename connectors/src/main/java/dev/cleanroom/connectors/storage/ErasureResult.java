package dev.cleanroom.connectors.storage;

import static java.util.Objects.requireNonNull;

/** The version an erasure wrote and how many rows it removed. */
public record ErasureResult(StoredVersion version, long rowsRemoved) {
  public ErasureResult {
    requireNonNull(version, "version is null");
    if (rowsRemoved < 0) {
      throw new IllegalArgumentException("rowsRemoved must not be negative");
    }
  }
}
