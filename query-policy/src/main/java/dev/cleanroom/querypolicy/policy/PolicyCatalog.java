package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.TableName;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The approved policies of a collaboration, checked against each other: every allowed join and
 * every unit link names a table and column that exist with the right class.
 */
public record PolicyCatalog(Map<TableName, DatasetPolicy> policies) {

  public PolicyCatalog {
    policies = Map.copyOf(requireNonNull(policies, "policies is null"));
    for (Map.Entry<TableName, DatasetPolicy> entry : new TreeMap<>(policies).entrySet()) {
      DatasetPolicy policy = entry.getValue();
      if (!policy.table().equals(entry.getKey())) {
        throw new IllegalArgumentException(
            "policy of " + policy.table() + " is filed under " + entry.getKey());
      }
      for (AllowedJoin join : policy.allowedJoins()) {
        DatasetPolicy other = policies.get(join.other());
        if (other == null) {
          throw new IllegalArgumentException(
              "allowed join of "
                  + policy.table().qualify(join.column())
                  + " names unknown dataset "
                  + join.other());
        }
        ColumnPolicy otherColumn =
            other
                .column(join.otherColumn())
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "allowed join of "
                                + policy.table().qualify(join.column())
                                + " names unclassified column "
                                + join.other().qualify(join.otherColumn())));
        if (otherColumn.columnClass() != ColumnClass.JOIN_KEY
            && otherColumn.columnClass() != ColumnClass.PRIVACY_UNIT) {
          throw new IllegalArgumentException(
              "allowed join of "
                  + policy.table().qualify(join.column())
                  + " targets "
                  + join.other().qualify(join.otherColumn())
                  + ", a "
                  + otherColumn.columnClass()
                  + " column");
        }
      }
      for (ColumnPolicy column : policy.columns()) {
        if (column.linksToUnitOf() != null) {
          DatasetPolicy unitTable = policies.get(column.linksToUnitOf());
          if (unitTable == null) {
            throw new IllegalArgumentException(
                "join key "
                    + policy.table().qualify(column.name())
                    + " links to unknown dataset "
                    + column.linksToUnitOf());
          }
        }
      }
    }
  }

  public Optional<DatasetPolicy> policy(TableName table) {
    return Optional.ofNullable(policies.get(table));
  }
}
