package dev.cleanroom.querypolicy.budget;

import static java.util.Objects.requireNonNull;

/**
 * Whose epsilon is spent: one analyst member, in one collaboration, on one dataset.
 *
 * @param dataset the dataset as named in SQL, {@code member.dataset}
 */
public record BudgetAccount(String collaboration, String analyst, String dataset) {
  public BudgetAccount {
    requireNonNull(collaboration, "collaboration is null");
    requireNonNull(analyst, "analyst is null");
    requireNonNull(dataset, "dataset is null");
  }

  /** The account of all analysts together on the same dataset, charged with this one. */
  public DatasetAccount datasetAccount() {
    return new DatasetAccount(collaboration, dataset);
  }
}
