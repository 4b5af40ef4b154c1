package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * One output column of a private query and where its exact value sits in the rows the engine
 * returns.
 *
 * @param name the output column name
 * @param role what the column is
 * @param valueField index, in the engine's exact row, of the group key, the distinct-unit count,
 *     the clamped count or the clamped sum
 * @param countField for {@link ColumnRole#AVG} only: index of the clamped count that divides the
 *     sum; {@code -1} otherwise
 * @param lowerBound lower bound of one unit's contribution to one group ({@code 0} for counts,
 *     {@code null} for group keys)
 * @param upperBound upper bound of one unit's contribution to one group ({@code 1} for distinct
 *     units, {@code null} for group keys)
 * @param countUpperBound for {@link ColumnRole#AVG} only: the largest clamped count one unit adds
 *     to one group's divisor ({@code maxContributionsPerGroup}); {@code null} otherwise. The
 *     release refuses an AVG column without it, as it cannot size the divisor's noise.
 * @param valueUnit what one unit of the exact value field is worth: {@code 1}, or for sums the
 *     power of two the plan counts them in ({@link dev.cleanroom.querypolicy.rewrite.FixedPoint})
 */
public record ReleaseColumn(
    String name,
    ColumnRole role,
    int valueField,
    int countField,
    BigDecimal lowerBound,
    BigDecimal upperBound,
    BigDecimal countUpperBound,
    BigDecimal valueUnit) {

  /** A column whose exact value is in plain units. */
  public ReleaseColumn(
      String name,
      ColumnRole role,
      int valueField,
      int countField,
      BigDecimal lowerBound,
      BigDecimal upperBound,
      BigDecimal countUpperBound) {
    this(
        name,
        role,
        valueField,
        countField,
        lowerBound,
        upperBound,
        countUpperBound,
        BigDecimal.ONE);
  }

  /** A column without a count bound; an AVG column built this way cannot be released. */
  public ReleaseColumn(
      String name,
      ColumnRole role,
      int valueField,
      int countField,
      BigDecimal lowerBound,
      BigDecimal upperBound) {
    this(name, role, valueField, countField, lowerBound, upperBound, null);
  }

  public ReleaseColumn {
    requireNonNull(name, "name is null");
    requireNonNull(role, "role is null");
    requireNonNull(valueUnit, "valueUnit is null");
    if (valueUnit.signum() <= 0) {
      throw new IllegalArgumentException(
          "valueUnit of column '" + name + "' must be > 0, was " + valueUnit);
    }
    if (valueField < 0) {
      throw new IllegalArgumentException(
          "valueField of column '" + name + "' must be >= 0, was " + valueField);
    }
    if (role == ColumnRole.AVG ? countField < 0 : countField != -1) {
      throw new IllegalArgumentException(
          "countField of column '"
              + name
              + "' must be set for AVG and only for AVG, was "
              + countField);
    }
    if (role == ColumnRole.GROUP_KEY) {
      if (lowerBound != null || upperBound != null) {
        throw new IllegalArgumentException("group key '" + name + "' cannot have bounds");
      }
    } else {
      requireNonNull(lowerBound, "lowerBound of '" + name + "' is null");
      requireNonNull(upperBound, "upperBound of '" + name + "' is null");
      if (lowerBound.compareTo(upperBound) > 0) {
        throw new IllegalArgumentException(
            "bounds of '" + name + "' are inverted: " + lowerBound + " > " + upperBound);
      }
    }
    if (countUpperBound != null) {
      if (role != ColumnRole.AVG) {
        throw new IllegalArgumentException(
            "countUpperBound of '" + name + "' is only for AVG columns, was " + countUpperBound);
      }
      if (countUpperBound.signum() <= 0 || countUpperBound.stripTrailingZeros().scale() > 0) {
        throw new IllegalArgumentException(
            "countUpperBound of '" + name + "' must be a positive integer, was " + countUpperBound);
      }
    }
  }

  /** The largest absolute contribution of one unit to this column in one group. */
  public BigDecimal maxAbsoluteContribution() {
    return lowerBound.abs().max(upperBound.abs());
  }
}
