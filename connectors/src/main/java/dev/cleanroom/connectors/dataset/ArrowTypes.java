package dev.cleanroom.connectors.dataset;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.spi.ColumnType;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** How a declared column type is stored in Arrow, and back (docs/ARCHITECTURE.md). */
public final class ArrowTypes {
  private ArrowTypes() {}

  /** The Arrow type a column of {@code type} is stored as. */
  public static ArrowType of(ColumnType type) {
    return switch (type.kind()) {
      case BIGINT -> new ArrowType.Int(64, true);
      case INTEGER -> new ArrowType.Int(32, true);
      case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case DECIMAL -> new ArrowType.Decimal(type.precision(), type.scale(), 128);
      case VARCHAR -> ArrowType.Utf8.INSTANCE;
      case BOOLEAN -> ArrowType.Bool.INSTANCE;
      case DATE -> new ArrowType.Date(DateUnit.DAY);
      case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
    };
  }

  /**
   * The declared type an Arrow type maps back to; the inverse of {@link #of}.
   *
   * @throws ConnectorException {@link ConnectorErrorCode#TYPE_MISMATCH} for any other Arrow type
   */
  public static ColumnType columnType(ArrowType arrowType) {
    if (arrowType instanceof ArrowType.Decimal decimal && decimal.getBitWidth() == 128) {
      return ColumnType.decimal(decimal.getPrecision(), decimal.getScale());
    }
    for (ColumnType.Kind kind : ColumnType.Kind.values()) {
      if (kind != ColumnType.Kind.DECIMAL) {
        ColumnType type = new ColumnType(kind, 0, 0);
        if (of(type).equals(arrowType)) {
          return type;
        }
      }
    }
    throw new ConnectorException(
        ConnectorErrorCode.TYPE_MISMATCH, "Arrow type " + arrowType + " has no declared type");
  }

  /**
   * Parses a declared type.
   *
   * @throws ConnectorException {@link ConnectorErrorCode#INVALID_SCHEMA} when it is not one
   */
  public static ColumnType parse(String text) {
    try {
      return ColumnType.parse(text);
    } catch (IllegalArgumentException e) {
      throw new ConnectorException(ConnectorErrorCode.INVALID_SCHEMA, e.getMessage());
    }
  }
}
