package dev.cleanroom.connectors.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.spi.ColumnType;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;

class ArrowTypesTest {
  @Test
  void everyDeclaredType_mapsToArchitectureArrowTypeAndBack() {
    List<ColumnType> types =
        List.of(
            ColumnType.BIGINT,
            ColumnType.INTEGER,
            ColumnType.DOUBLE,
            ColumnType.decimal(12, 2),
            ColumnType.VARCHAR,
            ColumnType.BOOLEAN,
            ColumnType.DATE,
            ColumnType.TIMESTAMP);
    List<ArrowType> expected =
        List.of(
            new ArrowType.Int(64, true),
            new ArrowType.Int(32, true),
            new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
            new ArrowType.Decimal(12, 2, 128),
            ArrowType.Utf8.INSTANCE,
            ArrowType.Bool.INSTANCE,
            new ArrowType.Date(DateUnit.DAY),
            new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
    for (int i = 0; i < types.size(); i++) {
      assertEquals(expected.get(i), ArrowTypes.of(types.get(i)));
      assertEquals(types.get(i), ArrowTypes.columnType(expected.get(i)));
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
