package dev.cleanroom.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.junit.jupiter.api.Test;

class ColumnTypeTest {
  private static final List<ColumnType> ALL =
      List.of(
          ColumnType.BIGINT,
          ColumnType.INTEGER,
          ColumnType.DOUBLE,
          ColumnType.decimal(12, 2),
          ColumnType.VARCHAR,
          ColumnType.BOOLEAN,
          ColumnType.DATE,
          ColumnType.TIMESTAMP);

  @Test
  void decimalWithSpacesAndLowerCase_parsesPrecisionAndScale() {
    assertEquals(ColumnType.decimal(12, 2), ColumnType.parse(" decimal( 12 , 2 ) "));
    assertEquals("DECIMAL(12,2)", ColumnType.parse("decimal(12, 2)").toString());
  }

  @Test
  void everyType_readsBackFromItsNormalForm() {
    for (ColumnType type : ALL) {
      assertEquals(type, ColumnType.parse(type.toString()));
      assertEquals(type, ColumnType.parse(type.toString().toLowerCase(java.util.Locale.ROOT)));
    }
  }

  @Test
  void everyType_mapsToTheArchitecturesNullableSqlType() {
    RelDataTypeFactory types = new JavaTypeFactoryImpl();
    List<String> sql = ALL.stream().map(t -> t.relDataType(types).getFullTypeString()).toList();
    assertEquals(
        List.of(
            "BIGINT",
            "INTEGER",
            "DOUBLE",
            "DECIMAL(12, 2)",
            "VARCHAR",
            "BOOLEAN",
            "DATE",
            "TIMESTAMP(3)"),
        sql);
  }

  @Test
  void families_areTheDeclaredOnes() {
    assertTrue(ColumnType.decimal(5, 0).isNumeric());
    assertTrue(ColumnType.INTEGER.isNumeric());
    assertFalse(ColumnType.INTEGER.isFractional());
    assertTrue(ColumnType.DOUBLE.isFractional());
    assertFalse(ColumnType.DATE.isNumeric());
    assertTrue(ColumnType.BOOLEAN.isBoolean());
    assertTrue(ColumnType.VARCHAR.isText());
  }

  @Test
  void unknownType_isRefusedWithTheList() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ColumnType.parse("TEXT"));
    assertEquals(
        "unknown column type 'TEXT'; expected BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), VARCHAR,"
            + " BOOLEAN, DATE or TIMESTAMP",
        e.getMessage());
  }

  @Test
  void decimalOutsideArrowsRange_isRefused() {
    assertThrows(IllegalArgumentException.class, () -> ColumnType.parse("DECIMAL(2,3)"));
    assertThrows(IllegalArgumentException.class, () -> ColumnType.parse("DECIMAL(39,0)"));
    assertThrows(IllegalArgumentException.class, () -> ColumnType.parse("DECIMAL(0,0)"));
  }
}
