package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.TableName;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The approved policy of one dataset: the class of every usable column, the joins its provider
 * allows, the release threshold, the privacy parameters and who may query it. An instance is always
 * consistent: the constructor refuses contradictory or incomplete policies.
 *
 * @param table the protected table
 * @param columns one entry per classified column; an unlisted column is unusable
 * @param allowedJoins joins with other tables this provider allows
 * @param minimumDistinctUnits no group with fewer distinct units is released (>= 2, default 50)
 * @param privacy the differential-privacy parameters
 * @param allowedAnalysts members that may query this table, in the order the policy lists them
 * @param templatesOnly whether analysts may read the table only through approved query templates
 *     (docs/GOVERNANCE.md): free SQL over it is refused
 * @param sensitiveSegments the DIMENSION columns the privacy officer declares sensitive (age band,
 *     region, ...): fairness reports compare reach across their values
 * @param oneRowPerUnit whether the table holds at most one row per privacy unit: uploads whose
 *     PRIVACY_UNIT column repeats a value are refused, a version that repeats one cannot get such a
 *     policy in force, and a query of this table alone skips the per-person aggregate and ranking,
 *     which are the identity on such a table (docs/PRIVACY.md, "One row per person")
 */
public record DatasetPolicy(
    TableName table,
    List<ColumnPolicy> columns,
    List<AllowedJoin> allowedJoins,
    int minimumDistinctUnits,
    PrivacyParameters privacy,
    Set<String> allowedAnalysts,
    boolean templatesOnly,
    Set<String> sensitiveSegments,
    boolean oneRowPerUnit) {

  public static final int DEFAULT_MINIMUM_DISTINCT_UNITS = 50;

  /** A policy that allows free SQL. */
  public DatasetPolicy(
      TableName table,
      List<ColumnPolicy> columns,
      List<AllowedJoin> allowedJoins,
      int minimumDistinctUnits,
      PrivacyParameters privacy,
      Set<String> allowedAnalysts) {
    this(table, columns, allowedJoins, minimumDistinctUnits, privacy, allowedAnalysts, false);
  }

  /** A policy without sensitive segments. */
  public DatasetPolicy(
      TableName table,
      List<ColumnPolicy> columns,
      List<AllowedJoin> allowedJoins,
      int minimumDistinctUnits,
      PrivacyParameters privacy,
      Set<String> allowedAnalysts,
      boolean templatesOnly) {
    this(
        table,
        columns,
        allowedJoins,
        minimumDistinctUnits,
        privacy,
        allowedAnalysts,
        templatesOnly,
        Set.of());
  }

  /** A policy that does not declare one row per privacy unit. */
  public DatasetPolicy(
      TableName table,
      List<ColumnPolicy> columns,
      List<AllowedJoin> allowedJoins,
      int minimumDistinctUnits,
      PrivacyParameters privacy,
      Set<String> allowedAnalysts,
      boolean templatesOnly,
      Set<String> sensitiveSegments) {
    this(
        table,
        columns,
        allowedJoins,
        minimumDistinctUnits,
        privacy,
        allowedAnalysts,
        templatesOnly,
        sensitiveSegments,
        false);
  }

  public DatasetPolicy {
    requireNonNull(table, "table is null");
    columns = List.copyOf(requireNonNull(columns, "columns is null"));
    allowedJoins = List.copyOf(requireNonNull(allowedJoins, "allowedJoins is null"));
    requireNonNull(privacy, "privacy is null");
    // In the order the policy lists them, so a problem can name its place in the document.
    allowedAnalysts =
        Collections.unmodifiableSet(
            new LinkedHashSet<>(requireNonNull(allowedAnalysts, "allowedAnalysts is null")));
    if (minimumDistinctUnits < 2) {
      throw new IllegalArgumentException(
          "minimumDistinctUnits must be >= 2, was " + minimumDistinctUnits);
    }
    Map<String, ColumnPolicy> byName = new LinkedHashMap<>();
    for (ColumnPolicy column : columns) {
      if (byName.put(column.name(), column) != null) {
        throw new IllegalArgumentException(
            "column '" + column.name() + "' of " + table + " is classified twice");
      }
    }
    long units = columns.stream().filter(c -> c.columnClass() == ColumnClass.PRIVACY_UNIT).count();
    if (units > 1) {
      throw new IllegalArgumentException(
          table + " declares " + units + " PRIVACY_UNIT columns: at most one is allowed");
    }
    long optOuts =
        columns.stream()
            .filter(c -> c.columnClass() == ColumnClass.CONSENT && c.purpose() == null)
            .count();
    if (optOuts > 1) {
      throw new IllegalArgumentException(
          table
              + " declares "
              + optOuts
              + " CONSENT columns without a purpose: at most one is allowed (the opt-out)");
    }
    Set<String> purposes = new HashSet<>();
    for (ColumnPolicy column : columns) {
      if (column.purpose() != null && !purposes.add(column.purpose())) {
        throw new IllegalArgumentException(
            table + " declares two CONSENT columns for the purpose '" + column.purpose() + "'");
      }
    }
    if (oneRowPerUnit && units == 0) {
      throw new IllegalArgumentException(
          table
              + " declares one row per privacy unit but no PRIVACY_UNIT column: the rule is"
              + " enforced on that column");
    }
    boolean linkedKey =
        columns.stream()
            .anyMatch(c -> c.columnClass() == ColumnClass.JOIN_KEY && c.linksToUnitOf() != null);
    if (units == 0 && !linkedKey) {
      throw new IllegalArgumentException(
          table
              + " reaches no privacy unit: declare a PRIVACY_UNIT column or a JOIN_KEY that links"
              + " to another table's unit");
    }
    for (ColumnPolicy column : columns) {
      if (column.linksToUnitOf() != null && column.linksToUnitOf().equals(table)) {
        throw new IllegalArgumentException(
            "join key '" + column.name() + "' of " + table + " links to its own table");
      }
    }
    Set<String> seenJoins = new HashSet<>();
    for (AllowedJoin join : allowedJoins) {
      ColumnPolicy column = byName.get(join.column());
      if (column == null) {
        throw new IllegalArgumentException(
            "allowed join on '"
                + join.column()
                + "' names a column "
                + table
                + " does not classify");
      }
      if (column.columnClass() != ColumnClass.JOIN_KEY
          && column.columnClass() != ColumnClass.PRIVACY_UNIT) {
        throw new IllegalArgumentException(
            "allowed join on '"
                + join.column()
                + "' uses a "
                + column.columnClass()
                + " column: joins are on JOIN_KEY or PRIVACY_UNIT columns");
      }
      if (join.other().equals(table)) {
        throw new IllegalArgumentException(
            "allowed join on '" + join.column() + "' joins " + table + " with itself");
      }
      if (!seenJoins.add(join.column() + "=" + join.other().qualify(join.otherColumn()))) {
        throw new IllegalArgumentException(
            "allowed join '"
                + join.column()
                + " = "
                + join.other().qualify(join.otherColumn())
                + "' is declared twice");
      }
    }
    sensitiveSegments =
        Collections.unmodifiableSet(
            new LinkedHashSet<>(sensitiveSegments == null ? Set.<String>of() : sensitiveSegments));
    for (String segment : sensitiveSegments) {
      ColumnPolicy column = byName.get(segment);
      if (column == null || column.columnClass() != ColumnClass.DIMENSION) {
        throw new IllegalArgumentException(
            "sensitive segment '" + segment + "' of " + table + " is not a DIMENSION column");
      }
    }
    for (String analyst : allowedAnalysts) {
      requireNonNull(analyst, "an allowed analyst is null");
      if (analyst.isBlank()) {
        throw new IllegalArgumentException("an allowed analyst of " + table + " is blank");
      }
    }
  }

  /** The policy of a column, if the column is classified. */
  public Optional<ColumnPolicy> column(String name) {
    return columns.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** The column that identifies this table's privacy unit: its own, else a linked join key. */
  public ColumnPolicy unitColumn() {
    return columns.stream()
        .filter(c -> c.columnClass() == ColumnClass.PRIVACY_UNIT)
        .findFirst()
        .or(
            () ->
                columns.stream()
                    .filter(
                        c -> c.columnClass() == ColumnClass.JOIN_KEY && c.linksToUnitOf() != null)
                    .findFirst())
        .orElseThrow();
  }

  /** The PRIVACY_UNIT column, if the table has one (a table may reach its unit by a join key). */
  public Optional<ColumnPolicy> privacyUnitColumn() {
    return columns.stream().filter(c -> c.columnClass() == ColumnClass.PRIVACY_UNIT).findFirst();
  }

  /** The opt-out consent column (a CONSENT column without a purpose), if the table has one. */
  public Optional<ColumnPolicy> consentColumn() {
    return columns.stream()
        .filter(c -> c.columnClass() == ColumnClass.CONSENT && c.purpose() == null)
        .findFirst();
  }

  /** The consent column of {@code purpose}, if the table records consent for it. */
  public Optional<ColumnPolicy> consentColumnFor(String purpose) {
    return columns.stream()
        .filter(c -> c.columnClass() == ColumnClass.CONSENT)
        .filter(c -> c.purpose() != null && c.purpose().equals(purpose))
        .findFirst();
  }

  /** The purposes the table records consent for, in the policy's order. */
  public Set<String> purposes() {
    Set<String> purposes = new LinkedHashSet<>();
    columns.stream()
        .filter(c -> c.columnClass() == ColumnClass.CONSENT && c.purpose() != null)
        .forEach(c -> purposes.add(c.purpose()));
    return Collections.unmodifiableSet(purposes);
  }

  /**
   * Whether every query of the table must declare one of its {@link #purposes()}: so when it
   * records consent by purpose at all, since a row's consent is known only for those purposes.
   */
  public boolean requiresPurpose() {
    return !purposes().isEmpty();
  }

  /** Whether this policy allows {@code this.column = other.otherColumn}. */
  public boolean allowsJoin(String column, TableName other, String otherColumn) {
    return allowedJoins.contains(new AllowedJoin(column, other, otherColumn));
  }
}
