package dev.cleanroom.spi;

import static java.util.Objects.requireNonNull;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * A declared column type, the one grammar of the project: datasets declare their columns with it,
 * policies classify them with it, storage maps it to Arrow and the analyser to Calcite. Precision
 * and scale are meaningful for {@link Kind#DECIMAL} only and are zero otherwise. The mappings are
 * docs/ARCHITECTURE.md's.
 */
public record ColumnType(Kind kind, int precision, int scale) {
  /** Arrow's 128-bit decimal holds at most 38 digits. */
  public static final int MAX_DECIMAL_PRECISION = 38;

  /** TIMESTAMP columns are exposed to SQL with millisecond precision. */
  public static final int TIMESTAMP_PRECISION = 3;

  /** The types as the API spells them, for messages. */
  public static final String SPELLINGS =
      "BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), VARCHAR, BOOLEAN, DATE or TIMESTAMP";

  private static final Pattern DECIMAL =
      Pattern.compile("DECIMAL\\s*\\(\\s*(\\d{1,3})\\s*,\\s*(\\d{1,3})\\s*\\)");

  /** The declared type families. */
  public enum Kind {
    BIGINT,
    INTEGER,
    DOUBLE,
    DECIMAL,
    VARCHAR,
    BOOLEAN,
    DATE,
    TIMESTAMP
  }

  public static final ColumnType BIGINT = new ColumnType(Kind.BIGINT, 0, 0);
  public static final ColumnType INTEGER = new ColumnType(Kind.INTEGER, 0, 0);
  public static final ColumnType DOUBLE = new ColumnType(Kind.DOUBLE, 0, 0);
  public static final ColumnType VARCHAR = new ColumnType(Kind.VARCHAR, 0, 0);
  public static final ColumnType BOOLEAN = new ColumnType(Kind.BOOLEAN, 0, 0);
  public static final ColumnType DATE = new ColumnType(Kind.DATE, 0, 0);
  public static final ColumnType TIMESTAMP = new ColumnType(Kind.TIMESTAMP, 0, 0);

  /**
   * @throws IllegalArgumentException for a DECIMAL outside 1..38 digits or a scale beyond its
   *     precision, or precision and scale on another kind
   */
  public ColumnType {
    requireNonNull(kind, "kind is null");
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
        throw new IllegalArgumentException(
            "DECIMAL precision must be between 1 and "
                + MAX_DECIMAL_PRECISION
                + ", got "
                + precision);
      }
      if (scale < 0 || scale > precision) {
        throw new IllegalArgumentException(
            "DECIMAL scale must be between 0 and the precision " + precision + ", got " + scale);
      }
    } else if (precision != 0 || scale != 0) {
      throw new IllegalArgumentException(kind + " takes no precision or scale");
    }
  }

  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  /**
   * Parses a type as written in the API, in any case and spacing: {@code bigint}, {@code
   * DECIMAL(12, 2)}.
   *
   * @throws IllegalArgumentException for anything else, with a message that lists the types
   */
  public static ColumnType parse(String text) {
    requireNonNull(text, "text is null");
    String normalized = text.strip().toUpperCase(Locale.ROOT);
    Matcher decimal = DECIMAL.matcher(normalized);
    if (decimal.matches()) {
      return decimal(Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
    }
    for (Kind kind : Kind.values()) {
      if (kind != Kind.DECIMAL && kind.name().equals(normalized)) {
        return new ColumnType(kind, 0, 0);
      }
    }
    // A type declaration is not a cell value, but keep a bad one short in messages anyway.
    String shown = text.length() <= 40 ? text : text.substring(0, 40) + "...";
    throw new IllegalArgumentException(
        "unknown column type '" + shown + "'; expected " + SPELLINGS);
  }

  /** BIGINT, INTEGER, DOUBLE or DECIMAL. */
  public boolean isNumeric() {
    return kind == Kind.BIGINT || kind == Kind.INTEGER || kind == Kind.DOUBLE || isDecimal();
  }

  /** DOUBLE or DECIMAL: a metric whose values are not whole numbers. */
  public boolean isFractional() {
    return kind == Kind.DOUBLE || isDecimal();
  }

  public boolean isDecimal() {
    return kind == Kind.DECIMAL;
  }

  public boolean isBoolean() {
    return kind == Kind.BOOLEAN;
  }

  public boolean isText() {
    return kind == Kind.VARCHAR;
  }

  /** The nullable Calcite type a column of this type has in SQL. */
  public RelDataType relDataType(RelDataTypeFactory typeFactory) {
    RelDataType sqlType =
        switch (kind) {
          case BIGINT -> typeFactory.createSqlType(SqlTypeName.BIGINT);
          case INTEGER -> typeFactory.createSqlType(SqlTypeName.INTEGER);
          case DOUBLE -> typeFactory.createSqlType(SqlTypeName.DOUBLE);
          case DECIMAL -> typeFactory.createSqlType(SqlTypeName.DECIMAL, precision, scale);
          case VARCHAR -> typeFactory.createSqlType(SqlTypeName.VARCHAR);
          case BOOLEAN -> typeFactory.createSqlType(SqlTypeName.BOOLEAN);
          case DATE -> typeFactory.createSqlType(SqlTypeName.DATE);
          case TIMESTAMP -> typeFactory.createSqlType(SqlTypeName.TIMESTAMP, TIMESTAMP_PRECISION);
        };
    return typeFactory.createTypeWithNullability(sqlType, true);
  }

  /** {@code BIGINT}, {@code DECIMAL(12,2)}: the normal form, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return kind == Kind.DECIMAL ? "DECIMAL(" + precision + "," + scale + ")" : kind.name();
  }
}
