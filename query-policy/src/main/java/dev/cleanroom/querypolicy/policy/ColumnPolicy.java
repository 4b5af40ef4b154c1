package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.ColumnType;
import dev.cleanroom.spi.TableName;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The class of one column and what comes with it.
 *
 * @param name the column name (lower-case identifier)
 * @param type the declared type
 * @param columnClass what the column may be used for
 * @param bounds for {@link ColumnClass#METRIC} only: bounds of one unit's contribution to a group
 * @param allowedAggregates for {@link ColumnClass#METRIC} only: the aggregates allowed over it
 * @param linksToUnitOf for {@link ColumnClass#JOIN_KEY} only, optional: the table whose privacy
 *     unit this key identifies (the demo's {@code advertiser.impressions.email_hash} links to
 *     {@code retailer.customers}); such a key is also this table's way to reach a unit
 * @param publicValues for {@link ColumnClass#DIMENSION} only, optional: the values the privacy
 *     officer publishes as the column's key set (e.g. the campaign list), in the order given; a
 *     query grouping by the column releases exactly these keys without a noisy threshold (see
 *     docs/PRIVACY.md, "Public group keys"). Empty when none are published. Text values for a
 *     {@code VARCHAR} column, whole numbers ({@link Long}) for {@code BIGINT} and {@code INTEGER}
 * @param purpose for {@link ColumnClass#CONSENT} only, optional: the purpose this column records
 *     consent for (e.g. {@code measurement}); such a column is opt-in: a query declaring that
 *     purpose reads only the rows where it is TRUE. A consent column without a purpose is the
 *     table's opt-out: every query reads only the rows where it is FALSE
 */
public record ColumnPolicy(
    String name,
    ColumnType type,
    ColumnClass columnClass,
    MetricBounds bounds,
    Set<MetricAggregate> allowedAggregates,
    TableName linksToUnitOf,
    List<Object> publicValues,
    String purpose) {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,127}");

  /** What a purpose is named: a short lower-case identifier. */
  public static final Pattern PURPOSE = Pattern.compile("[a-z][a-z0-9_]{0,31}");

  /** A column without a purpose. */
  public ColumnPolicy(
      String name,
      ColumnType type,
      ColumnClass columnClass,
      MetricBounds bounds,
      Set<MetricAggregate> allowedAggregates,
      TableName linksToUnitOf,
      List<Object> publicValues) {
    this(name, type, columnClass, bounds, allowedAggregates, linksToUnitOf, publicValues, null);
  }

  /** The most values a column may publish: the released key set must stay small. */
  public static final int MAX_PUBLIC_VALUES = 1_000;

  /** A column without published values. */
  public ColumnPolicy(
      String name,
      ColumnType type,
      ColumnClass columnClass,
      MetricBounds bounds,
      Set<MetricAggregate> allowedAggregates,
      TableName linksToUnitOf) {
    this(name, type, columnClass, bounds, allowedAggregates, linksToUnitOf, List.of());
  }

  public ColumnPolicy {
    requireNonNull(name, "name is null");
    requireNonNull(type, "type of column '" + name + "' is null");
    requireNonNull(columnClass, "class of column '" + name + "' is null");
    if (!IDENTIFIER.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "column name '" + name + "' must be a lower-case identifier ([a-z_][a-z0-9_]*)");
    }
    allowedAggregates =
        allowedAggregates == null || allowedAggregates.isEmpty()
            ? Set.of()
            : Set.copyOf(EnumSet.copyOf(allowedAggregates));
    if (columnClass == ColumnClass.METRIC) {
      if (bounds == null) {
        throw new IllegalArgumentException(
            "metric column '" + name + "' has no bounds: a metric needs [lower, upper]");
      }
      if (allowedAggregates.isEmpty()) {
        throw new IllegalArgumentException(
            "metric column '"
                + name
                + "' allows no aggregate: list at least one of COUNT, SUM, AVG");
      }
      if (!type.isNumeric() && !type.isBoolean()) {
        throw new IllegalArgumentException(
            "metric column '" + name + "' has type " + type + ": a metric is numeric or BOOLEAN");
      }
    } else {
      if (bounds != null) {
        throw new IllegalArgumentException(
            "column '" + name + "' is " + columnClass + ": only a METRIC has bounds");
      }
      if (!allowedAggregates.isEmpty()) {
        throw new IllegalArgumentException(
            "column '" + name + "' is " + columnClass + ": only a METRIC has allowed aggregates");
      }
    }
    if (linksToUnitOf != null && columnClass != ColumnClass.JOIN_KEY) {
      throw new IllegalArgumentException(
          "column '" + name + "' is " + columnClass + ": only a JOIN_KEY links to a privacy unit");
    }
    publicValues = publicValues(name, type, columnClass, publicValues);
    if (columnClass == ColumnClass.CONSENT && !type.isBoolean()) {
      throw new IllegalArgumentException(
          "consent column '" + name + "' has type " + type + ": consent must be BOOLEAN");
    }
    if (purpose != null) {
      if (columnClass != ColumnClass.CONSENT) {
        throw new IllegalArgumentException(
            "column '" + name + "' is " + columnClass + ": only a CONSENT column has a purpose");
      }
      if (!PURPOSE.matcher(purpose).matches()) {
        throw new IllegalArgumentException(
            "the purpose of consent column '"
                + name
                + "' must be a lower-case identifier of at most 32 characters ([a-z][a-z0-9_]*)");
      }
    }
  }

  /** A consent column recording consent for {@code purpose}. */
  public static ColumnPolicy consentFor(String name, String purpose) {
    return new ColumnPolicy(
        name,
        ColumnType.parse("BOOLEAN"),
        ColumnClass.CONSENT,
        null,
        Set.of(),
        null,
        List.of(),
        purpose);
  }

  /**
   * Validates published values: a DIMENSION's, of its type, distinct, at most the maximum.
   *
   * @return the values, whole numbers as {@link Long}
   * @throws IllegalArgumentException naming the column and the value's position, never its value
   */
  public static List<Object> publicValues(
      String name, ColumnType type, ColumnClass columnClass, List<Object> values) {
    if (values == null || values.isEmpty()) {
      return List.of();
    }
    if (columnClass != ColumnClass.DIMENSION) {
      throw new IllegalArgumentException(
          "column '" + name + "' is " + columnClass + ": only a DIMENSION publishes values");
    }
    boolean text = type.kind() == ColumnType.Kind.VARCHAR;
    boolean whole = type.kind() == ColumnType.Kind.BIGINT || type.kind() == ColumnType.Kind.INTEGER;
    if (!text && !whole) {
      throw new IllegalArgumentException(
          "column '"
              + name
              + "' has type "
              + type
              + ": published values are for VARCHAR, BIGINT and INTEGER columns");
    }
    if (values.size() > MAX_PUBLIC_VALUES) {
      throw new IllegalArgumentException(
          "column '"
              + name
              + "' publishes "
              + values.size()
              + " values; at most "
              + MAX_PUBLIC_VALUES
              + " are allowed");
    }
    List<Object> checked = new ArrayList<>(values.size());
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < values.size(); i++) {
      Object value = values.get(i);
      Object normal;
      if (text && value instanceof String string) {
        normal = string;
      } else if (whole && (value instanceof Long || value instanceof Integer)) {
        long number = ((Number) value).longValue();
        if (type.kind() == ColumnType.Kind.INTEGER
            && (number < Integer.MIN_VALUE || number > Integer.MAX_VALUE)) {
          throw new IllegalArgumentException(
              "published value " + i + " of column '" + name + "' is outside the INTEGER range");
        }
        normal = number;
      } else {
        throw new IllegalArgumentException(
            "published value "
                + i
                + " of column '"
                + name
                + "' must be "
                + (text ? "a string" : "a whole number")
                + " for its type "
                + type);
      }
      if (!seen.add(normal)) {
        throw new IllegalArgumentException(
            "published value " + i + " of column '" + name + "' repeats an earlier one");
      }
      checked.add(normal);
    }
    return Collections.unmodifiableList(checked);
  }

  /** A column of any class but METRIC. */
  public static ColumnPolicy of(String name, String type, ColumnClass columnClass) {
    return new ColumnPolicy(name, ColumnType.parse(type), columnClass, null, Set.of(), null);
  }

  /** A metric column. */
  public static ColumnPolicy metric(
      String name, String type, MetricBounds bounds, Set<MetricAggregate> allowedAggregates) {
    return new ColumnPolicy(
        name, ColumnType.parse(type), ColumnClass.METRIC, bounds, allowedAggregates, null);
  }

  /** A join key that identifies the privacy unit of {@code unitTable}. */
  public static ColumnPolicy linkedJoinKey(String name, String type, TableName unitTable) {
    return new ColumnPolicy(
        name, ColumnType.parse(type), ColumnClass.JOIN_KEY, null, Set.of(), unitTable);
  }
}
