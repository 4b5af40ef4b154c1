package dev.cleanroom.server.dataset;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import java.util.List;

/**
 * A declared dataset of a collaboration.
 *
 * @param currentVersion newest data version, {@code null} before the first upload
 * @param currentPolicyVersion approved policy in force, {@code null} when none (not queryable)
 * @param currentVersionScaleOut whether the current version is marked for the scale-out engine
 *     under {@code cleanroom.query.engine=auto} ({@link ScaleOutMarks}); {@code false} before the
 *     first upload
 */
public record Dataset(
    long id,
    long collaborationId,
    String name,
    long ownerId,
    String owner,
    List<DeclaredColumn> columns,
    Integer currentVersion,
    Integer currentPolicyVersion,
    boolean currentVersionScaleOut) {

  public Dataset {
    requireNonNull(name, "name is null");
    requireNonNull(owner, "owner is null");
    columns = List.copyOf(columns);
  }

  /** The name analysts use in SQL. */
  public String table() {
    return owner + "." + name;
  }

  /** The store's name of the dataset: unique across collaborations, no user text in it. */
  public String storageId() {
    return "c" + collaborationId + "-d" + id;
  }

  /** The declared columns as the connectors read and validate them. */
  public DatasetSchema schema() {
    return new DatasetSchema(
        columns.stream()
            .map(column -> new ColumnDefinition(column.name(), column.columnType()))
            .toList());
  }
}
