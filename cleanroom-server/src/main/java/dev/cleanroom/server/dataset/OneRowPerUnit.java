package dev.cleanroom.server.dataset;

import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Keeps a policy's declaration of one row per privacy unit true of every version a query can read.
 * Queries of such a table alone skip the per-person aggregate and ranking, which is sound only if
 * no person has two rows; so an upload refuses a repeated unit (its rules are asked for under the
 * dataset's write lock), and a policy that declares it is put in force only after every version
 * from the current one on was checked, under the same lock, so no upload with the older rules can
 * slip in between. Which plan a query gets then follows from the policy alone, never from the data.
 */
@ApplicationScoped
public class OneRowPerUnit {
  private final DatasetStore store;
  private final DatasetCatalog catalog;
  private final BufferAllocator root;

  @Inject
  public OneRowPerUnit(DatasetStore store, DatasetCatalog catalog, BufferAllocator root) {
    this.store = store;
    this.catalog = catalog;
    this.root = root;
  }

  /** Runs {@code decision} while no version of {@code dataset} is written. */
  public <T> T whileNoVersionIsWritten(Dataset dataset, Supplier<T> decision) {
    return store.whileNoVersionIsWritten(dataset.storageId(), decision);
  }

  /**
   * Refuses, 409 {@code policy-contradicts-data}, a policy declaring one row per privacy unit when
   * a stored version a query can still read (the current one or a later one not yet recorded)
   * repeats a value of the unit column or has a row without one (a version stored before any policy
   * was in force was not held to the unit's non-null rule). Call within {@link
   * #whileNoVersionIsWritten}. The message names the version and the column, never a row or a
   * value.
   */
  public void requireOfReadableVersions(Dataset dataset, DatasetPolicy policy) {
    String unit =
        policy
            .privacyUnitColumn()
            .orElseThrow(() -> new IllegalArgumentException("the policy names no privacy unit"))
            .name();
    // The current version only moves forward, so no older version is read again.
    Integer current = catalog.require(dataset.collaborationId(), dataset.name()).currentVersion();
    for (long version : store.versions(dataset.storageId())) {
      if (current != null && version < current) {
        continue;
      }
      try {
        store.requireOneRowPerUnit(dataset.storageId(), version, unit, root);
      } catch (ConnectorException e) {
        String problem =
            switch (e.code()) {
              case DUPLICATE_VALUE -> "has more than one row for some value";
              case NULL_VALUE -> "has a row without a value";
              default -> throw e;
            };
        throw new ServerException(
            ServerErrorCode.POLICY_CONTRADICTS_DATA,
            "data version "
                + version
                + " of '"
                + dataset.name()
                + "' "
                + problem
                + " of its privacy unit column '"
                + unit
                + "': a policy declaring one row per privacy unit cannot take effect until a"
                + " version with one row per unit is uploaded");
      }
    }
  }
}
