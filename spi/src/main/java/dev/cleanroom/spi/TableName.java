package dev.cleanroom.spi;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A protected table, named in SQL as {@code member.dataset}. Names are lower-case identifiers, so
 * comparing them needs no case folding.
 */
public record TableName(String member, String dataset) implements Comparable<TableName> {
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z][a-z0-9_]{0,62}");

  public TableName {
    requireNonNull(member, "member is null");
    requireNonNull(dataset, "dataset is null");
    if (!IDENTIFIER.matcher(member).matches()) {
      throw new IllegalArgumentException(
          "member '" + member + "' must be a lower-case identifier ([a-z][a-z0-9_]*, <= 63)");
    }
    if (!IDENTIFIER.matcher(dataset).matches()) {
      throw new IllegalArgumentException(
          "dataset '" + dataset + "' must be a lower-case identifier ([a-z][a-z0-9_]*, <= 63)");
    }
  }

  /** Parses {@code member.dataset}. */
  public static TableName parse(String qualifiedName) {
    requireNonNull(qualifiedName, "qualifiedName is null");
    int dot = qualifiedName.indexOf('.');
    if (dot < 0 || qualifiedName.indexOf('.', dot + 1) >= 0) {
      throw new IllegalArgumentException(
          "table name '" + qualifiedName + "' must have the form member.dataset");
    }
    return new TableName(qualifiedName.substring(0, dot), qualifiedName.substring(dot + 1));
  }

  /** The table of a Calcite qualified name {@code [member, dataset]}, case folded. */
  public static TableName of(List<String> qualifiedName) {
    if (qualifiedName.size() != 2) {
      throw new IllegalArgumentException("a table path has two parts, was " + qualifiedName);
    }
    return new TableName(
        qualifiedName.get(0).toLowerCase(Locale.ROOT),
        qualifiedName.get(1).toLowerCase(Locale.ROOT));
  }

  /** {@code member.dataset.column}, how violations name a column. */
  public String qualify(String column) {
    return this + "." + column;
  }

  @Override
  public int compareTo(TableName other) {
    return toString().compareTo(other.toString());
  }

  @Override
  public String toString() {
    return member + "." + dataset;
  }
}
