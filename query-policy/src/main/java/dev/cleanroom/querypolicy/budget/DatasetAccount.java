package dev.cleanroom.querypolicy.budget;

import static java.util.Objects.requireNonNull;

/**
 * Whose epsilon is spent against a dataset's shared ceiling: every analyst member of one
 * collaboration together, on one dataset.
 *
 * @param dataset the dataset as named in SQL, {@code member.dataset}
 */
public record DatasetAccount(String collaboration, String dataset) {
  public DatasetAccount {
    requireNonNull(collaboration, "collaboration is null");
    requireNonNull(dataset, "dataset is null");
  }
}
