package dev.cleanroom.server.dataset;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import java.util.Optional;

/**
 * A CDI event: a dataset has a new current version (an upload or an erasure), so older versions
 * must not be served any more.
 *
 * @param storageId the store's name of the dataset ({@link Dataset#storageId()})
 * @param collaborationId the collaboration the dataset belongs to (where the tables it may be
 *     joined with are)
 * @param version the new current version
 * @param policyInForce the approved policy in force when the version was recorded, if any: which
 *     columns a query may read, so the version can be loaded and its strings encoded before the
 *     first query asks
 */
public record DatasetVersionRecorded(
    String storageId, long collaborationId, long version, Optional<DatasetPolicy> policyInForce) {
  public DatasetVersionRecorded {
    requireNonNull(storageId, "storageId is null");
    requireNonNull(policyInForce, "policyInForce is null");
  }
}
