package dev.cleanroom.connectors.dataset;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * A declared column type. Precision and scale are meaningful for {@link Kind#DECIMAL} only and are
 * zero otherwise; the Arrow mapping follows docs/ARCHITECTURE.md.
 */
public record ColumnType(Kind kind, int precision, int scale) {
  /** Arrow's 128-bit decimal holds at most 38 digits. */
  public static final int MAX_DECIMAL_PRECISION = 38;

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

  public ColumnType {
    requireNonNull(kind, "kind is null");
    if (kind == Kind.DECIMAL) {
      if (precision < 1 || precision > MAX_DECIMAL_PRECISION) {
        throw new ConnectorException(
            ConnectorErrorCode.INVALID_SCHEMA,
            "DECIMAL precision must be between 1 and "
                + MAX_DECIMAL_PRECISION
                + ", got "
                + precision);
      }
      if (scale < 0 || scale > precision) {
        throw new ConnectorException(
            ConnectorErrorCode.INVALID_SCHEMA,
            "DECIMAL scale must be between 0 and the precision " + precision + ", got " + scale);
      }
    } else if (precision != 0 || scale != 0) {
      throw new ConnectorException(
          ConnectorErrorCode.INVALID_SCHEMA, kind + " takes no precision or scale");
    }
  }

  public static ColumnType decimal(int precision, int scale) {
    return new ColumnType(Kind.DECIMAL, precision, scale);
  }

  /** Parses a declared type as written in the API, e.g. {@code BIGINT} or {@code DECIMAL(12,2)}. */
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
    throw new ConnectorException(
        ConnectorErrorCode.INVALID_SCHEMA,
        "unknown column type '"
            + abbreviate(text)
            + "'; expected BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), VARCHAR, BOOLEAN, DATE or"
            + " TIMESTAMP");
  }

  /** The Arrow type a column of this type is stored as. */
  public ArrowType arrowType() {
    return switch (kind) {
      case BIGINT -> new ArrowType.Int(64, true);
      case INTEGER -> new ArrowType.Int(32, true);
      case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case DECIMAL -> new ArrowType.Decimal(precision, scale, 128);
      case VARCHAR -> ArrowType.Utf8.INSTANCE;
      case BOOLEAN -> ArrowType.Bool.INSTANCE;
      case DATE -> new ArrowType.Date(DateUnit.DAY);
      case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
    };
  }

  /** The declared type an Arrow type maps back to; the inverse of {@link #arrowType()}. */
  public static ColumnType fromArrow(ArrowType arrowType) {
    for (Kind kind : Kind.values()) {
      if (kind == Kind.DECIMAL) {
        if (arrowType instanceof ArrowType.Decimal decimal && decimal.getBitWidth() == 128) {
          return decimal(decimal.getPrecision(), decimal.getScale());
        }
      } else if (new ColumnType(kind, 0, 0).arrowType().equals(arrowType)) {
        return new ColumnType(kind, 0, 0);
      }
    }
    throw new ConnectorException(
        ConnectorErrorCode.TYPE_MISMATCH, "Arrow type " + arrowType + " has no declared type");
  }

  @Override
  public String toString() {
    return kind == Kind.DECIMAL ? "DECIMAL(" + precision + "," + scale + ")" : kind.name();
  }

  // A type declaration is not a cell value, but keep a bad one short in messages anyway.
  private static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
