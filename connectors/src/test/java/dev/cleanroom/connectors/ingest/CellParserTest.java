package dev.cleanroom.connectors.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.ArrowTypes;
import dev.cleanroom.engine.ColumnValues;
import dev.cleanroom.spi.ColumnType;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.math.BigDecimal;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CellParserTest {
  @RegisterExtension final TestAllocator memory = new TestAllocator();

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "BIGINT|-9223372036854775808|-9223372036854775808",
        "INTEGER|2147483647|2147483647",
        "DOUBLE|-1.5e-3|-0.0015",
        "DOUBLE|.5|0.5",
        "DOUBLE|7.|7.0",
        "DECIMAL(5,2)|-123.4|-123.40",
        "DECIMAL(5,2)|1.500|1.50",
        "BOOLEAN|TRUE|true",
        "DATE|1970-01-02|1",
        "TIMESTAMP|1970-01-01 00:00:01.5|1500",
        "TIMESTAMP|1969-12-31T23:59:59.999999|-1",
        "TIMESTAMP|1970-01-01T00:01|60000",
      })
  void acceptedSpelling_isParsed(String type, String text, String expected) {
    Object value = parse(ColumnType.parse(type), text);
    assertEquals(expected, value instanceof BigDecimal d ? d.toPlainString() : value.toString());
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "BIGINT|+5|TYPE_MISMATCH",
        "BIGINT|' 5'|TYPE_MISMATCH",
        "BIGINT|0x10|TYPE_MISMATCH",
        "BIGINT|9223372036854775808|VALUE_OUT_OF_RANGE",
        "INTEGER|2147483648|VALUE_OUT_OF_RANGE",
        "DOUBLE|1e|TYPE_MISMATCH",
        "DOUBLE|1d|TYPE_MISMATCH",
        "DOUBLE|0x1p3|TYPE_MISMATCH",
        "DOUBLE|.|TYPE_MISMATCH",
        "DECIMAL(5,2)|1e2|TYPE_MISMATCH",
        "DECIMAL(5,2)|1234.5|VALUE_OUT_OF_RANGE",
        "DECIMAL(5,2)|1.234|VALUE_OUT_OF_RANGE",
        "BOOLEAN|1|AMBIGUOUS_BOOLEAN",
        "BOOLEAN|yes|AMBIGUOUS_BOOLEAN",
        "DATE|2023-02-29|TYPE_MISMATCH",
        "DATE|2023-2-01|TYPE_MISMATCH",
        "TIMESTAMP|2024-01-01 24:00:00|TYPE_MISMATCH",
        "TIMESTAMP|2024-01-01 10|TYPE_MISMATCH",
        "TIMESTAMP|2024-01-01 10:00:0|TYPE_MISMATCH",
        "TIMESTAMP|2024-01-01T10:00:00Z|TYPE_MISMATCH",
        "TIMESTAMP|2024-01-01 10:00:00.0000001|VALUE_OUT_OF_RANGE",
      })
  void refusedSpelling_failsWithCode(String type, String text, ConnectorErrorCode code) {
    ConnectorException e =
        assertThrows(ConnectorException.class, () -> parse(ColumnType.parse(type), text));
    assertEquals(code, e.code());
    assertEquals(
        false, e.getMessage().contains(text.strip()) && text.strip().length() > 2, e.getMessage());
  }

  @Test
  void emptyNonText_isNullButEmptyVarcharIsEmptyString() {
    assertEquals(null, parse(ColumnType.BIGINT, ""));
    assertEquals("", parse(ColumnType.VARCHAR, ""));
  }

  private Object parse(ColumnType type, String text) {
    try (FieldVector vector =
        FieldType.nullable(ArrowTypes.of(type))
            .createNewSingleVector("c", memory.allocator(), null)) {
      vector.allocateNew();
      new CellParser(type, "c").write(vector, 0, text, 1);
      vector.setValueCount(1);
      return ColumnValues.valueAt(vector, 0);
    }
  }
}
