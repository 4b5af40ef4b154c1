package dev.cleanroom.connectors.storage;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The version an erasure wrote, how many rows it removed from the latest version, and the older
 * versions it removed because they held a row of the erased unit (oldest first).
 */
public record ErasureResult(StoredVersion version, long rowsRemoved, List<Long> versionsRemoved) {
  public ErasureResult {
    requireNonNull(version, "version is null");
    if (rowsRemoved < 0) {
      throw new IllegalArgumentException("rowsRemoved must not be negative");
    }
    versionsRemoved = List.copyOf(versionsRemoved);
  }
}
