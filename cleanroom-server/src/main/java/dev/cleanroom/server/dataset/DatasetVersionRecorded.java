package dev.cleanroom.server.dataset;

import static java.util.Objects.requireNonNull;

/**
 * A CDI event: a dataset has a new current version (an upload or an erasure), so older versions
 * must not be served any more.
 *
 * @param storageId the store's name of the dataset ({@link Dataset#storageId()})
 * @param version the new current version
 */
public record DatasetVersionRecorded(String storageId, long version) {
  public DatasetVersionRecorded {
    requireNonNull(storageId, "storageId is null");
  }
}
