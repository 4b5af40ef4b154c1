package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.ColumnType;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What every row of an upload must satisfy under a table's policy, checked as it is ingested (an
 * upload with one row that fails is refused whole).
 *
 * @param nonNullColumns the {@link ColumnClass#PRIVACY_UNIT} columns: a row without its person
 *     could be neither capped per person nor erased
 * @param uniqueColumns the privacy-unit column when the policy declares one row per unit
 * @param fingerprintColumns the text {@link ColumnClass#JOIN_KEY} columns: fingerprints, never a
 *     raw identifier
 * @param finiteColumns the fractional {@link ColumnClass#METRIC} columns: NaN and the infinities
 *     would escape the clamp
 */
public record UploadChecks(
    Set<String> nonNullColumns,
    Set<String> uniqueColumns,
    Set<String> fingerprintColumns,
    Set<String> finiteColumns) {

  public UploadChecks {
    nonNullColumns = Set.copyOf(nonNullColumns);
    uniqueColumns = Set.copyOf(uniqueColumns);
    fingerprintColumns = Set.copyOf(fingerprintColumns);
    finiteColumns = Set.copyOf(finiteColumns);
  }

  /** The checks {@code policy} implies. */
  public static UploadChecks of(DatasetPolicy policy) {
    requireNonNull(policy, "policy is null");
    Set<String> units = names(policy, ColumnClass.PRIVACY_UNIT, type -> true);
    return new UploadChecks(
        units,
        policy.oneRowPerUnit() ? units : Set.of(),
        names(policy, ColumnClass.JOIN_KEY, ColumnType::isText),
        names(policy, ColumnClass.METRIC, ColumnType::isFractional));
  }

  private static Set<String> names(
      DatasetPolicy policy, ColumnClass columnClass, Predicate<ColumnType> type) {
    return policy.columns().stream()
        .filter(column -> column.columnClass() == columnClass && type.test(column.type()))
        .map(ColumnPolicy::name)
        .collect(Collectors.toSet());
  }
}
