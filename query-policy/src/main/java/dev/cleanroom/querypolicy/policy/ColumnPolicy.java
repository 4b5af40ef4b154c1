package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.ColumnType;
import dev.cleanroom.spi.TableName;
import java.util.EnumSet;
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
 */
public record ColumnPolicy(
    String name,
    ColumnType type,
    ColumnClass columnClass,
    MetricBounds bounds,
    Set<MetricAggregate> allowedAggregates,
    TableName linksToUnitOf) {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,127}");

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
    if (columnClass == ColumnClass.CONSENT && !type.isBoolean()) {
      throw new IllegalArgumentException(
          "consent column '" + name + "' has type " + type + ": consent must be BOOLEAN");
    }
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
