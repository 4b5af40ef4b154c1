package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Pattern;

/** A declared column type of a dataset, one of the types of docs/ARCHITECTURE.md. */
public record ColumnType(String name) {
  private static final Pattern DECLARED =
      Pattern.compile(
          "BIGINT|INTEGER|DOUBLE|DECIMAL\\(\\d{1,2},\\d{1,2}\\)|VARCHAR|BOOLEAN|DATE|TIMESTAMP");

  public ColumnType {
    requireNonNull(name, "name is null");
    name = name.replace(" ", "").toUpperCase(Locale.ROOT);
    if (!DECLARED.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "type '"
              + name
              + "' is not one of BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), VARCHAR, BOOLEAN, DATE,"
              + " TIMESTAMP");
    }
  }

  public static final ColumnType BOOLEAN = new ColumnType("BOOLEAN");

  public boolean isNumeric() {
    return name.equals("BIGINT")
        || name.equals("INTEGER")
        || name.equals("DOUBLE")
        || name.startsWith("DECIMAL");
  }

  public boolean isBoolean() {
    return name.equals("BOOLEAN");
  }

  @Override
  public String toString() {
    return name;
  }
}
