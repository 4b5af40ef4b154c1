package dev.cleanroom.server.dataset;

import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import java.util.Optional;

/**
 * The approved policy of a dataset, as uploads and erasures need it: an upload must satisfy the
 * rules it implies, and an erasure removes the privacy unit it names. The policy package implements
 * it, so that dataset code depends on no policy code.
 */
public interface ApprovedPolicies {
  /** The approved policy in force for the dataset, if any. */
  Optional<DatasetPolicy> current(Dataset dataset);

  /**
   * The approved policy in force now, as the database says at the call, not as {@code dataset} was
   * read: asked by an upload once it holds the dataset's write lock.
   */
  Optional<DatasetPolicy> inForceNow(Dataset dataset);
}
