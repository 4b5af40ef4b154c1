package dev.cleanroom.connectors.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.spi.ColumnType;
import java.util.Map;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

class ArrowTypesTest {
  private static final Map<ColumnType.Kind, ArrowType> STORED_AS =
      Map.of(
          ColumnType.Kind.BIGINT, new ArrowType.Int(64, true),
          ColumnType.Kind.INTEGER, new ArrowType.Int(32, true),
          ColumnType.Kind.DOUBLE, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
          ColumnType.Kind.DECIMAL, new ArrowType.Decimal(12, 2, 128),
          ColumnType.Kind.VARCHAR, ArrowType.Utf8.INSTANCE,
          ColumnType.Kind.BOOLEAN, ArrowType.Bool.INSTANCE,
          ColumnType.Kind.DATE, new ArrowType.Date(DateUnit.DAY),
          ColumnType.Kind.TIMESTAMP, new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));

  @Test
  void everyDeclaredType_mapsToArchitectureArrowTypeAndBack() {
    for (ColumnType.Kind kind : ColumnType.Kind.values()) {
      ColumnType type =
          kind == ColumnType.Kind.DECIMAL ? ColumnType.decimal(12, 2) : new ColumnType(kind, 0, 0);
      assertEquals(STORED_AS.get(kind), ArrowTypes.of(type), kind.name());
      assertEquals(type, ArrowTypes.columnType(STORED_AS.get(kind)), kind.name());
    }
  }

  @Test
  void unknownDeclaredType_isAnInvalidSchema() {
    ConnectorException e = assertThrows(ConnectorException.class, () -> ArrowTypes.parse("TEXT"));
    assertEquals(ConnectorErrorCode.INVALID_SCHEMA, e.code());
  }

  @Test
  void timestampWithZone_hasNoDeclaredType() {
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () -> ArrowTypes.columnType(new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC")));
    assertEquals(ConnectorErrorCode.TYPE_MISMATCH, e.code());
  }
}
