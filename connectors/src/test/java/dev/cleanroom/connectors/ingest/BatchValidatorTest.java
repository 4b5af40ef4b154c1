package dev.cleanroom.connectors.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The UTF-8 check of strings from binary uploads (Arrow, Parquet), which a CSV parse implies. */
class BatchValidatorTest {
  private static final DatasetSchema SCHEMA =
      DatasetSchema.of(ColumnDefinition.of("id", "BIGINT"), ColumnDefinition.of("zip", "VARCHAR"));

  @RegisterExtension final TestAllocator memory = new TestAllocator();

  @Test
  void asciiAndWellFormedStrings_pass() {
    validate(List.of(bytes("10115"), bytes("Zürich"), bytes("東京"), bytes("🙂"), bytes("")));
    validate(List.of(bytes("a"), bytes("plain ASCII, eight bytes and more"), bytes("b")));
  }

  @Test
  void malformedString_isRefusedWithItsRow() {
    byte[][] malformed = {
      {(byte) 0xc3, 0x28}, // a lead byte without its continuation
      {(byte) 0x80}, // a continuation without a lead byte
      {(byte) 0xc0, (byte) 0x80}, // an overlong NUL
      {(byte) 0xe0, (byte) 0x80, (byte) 0xaf}, // an overlong '/'
      {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // a surrogate
      {(byte) 0xe2, (byte) 0x82}, // truncated
      {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
      {(byte) 0xff}
    };
    for (byte[] value : malformed) {
      List<byte[]> values = new ArrayList<>(List.of(bytes("ok"), bytes("Zürich"), bytes("ok")));
      values.add(value);
      values.add(bytes("after"));
      ConnectorException e = assertThrows(ConnectorException.class, () -> validate(values));
      assertEquals(ConnectorErrorCode.INVALID_ENCODING, e.code());
      assertEquals("row 4, column 'zip': value is not valid UTF-8", e.getMessage());
    }
  }

  /** Random short byte strings: refused exactly when the JDK's strict decoder refuses them. */
  @Test
  void randomBytes_areRefusedExactlyWhenTheJdkDecoderRefusesThem() {
    Random random = new Random(11);
    int refused = 0;
    for (int round = 0; round < 20_000; round++) {
      byte[] value = new byte[1 + random.nextInt(6)];
      for (int i = 0; i < value.length; i++) {
        // Mostly bytes around the lead and continuation ranges, where the rules are.
        value[i] =
            (byte) (random.nextInt(4) == 0 ? random.nextInt(128) : 0x80 + random.nextInt(128));
      }
      boolean jdkAccepts = decodes(value);
      boolean accepted;
      try {
        validate(List.of(bytes("x"), value));
        accepted = true;
      } catch (ConnectorException e) {
        assertEquals(ConnectorErrorCode.INVALID_ENCODING, e.code());
        accepted = false;
      }
      assertEquals(jdkAccepts, accepted, () -> java.util.HexFormat.of().formatHex(value));
      refused += accepted ? 0 : 1;
    }
    assertTrue(refused > 1_000 && refused < 19_000, "refused " + refused);
  }

  @Test
  void isAscii_readsTheValuesRangeOnly() {
    try (VectorSchemaRoot root =
        VectorSchemaRoot.create(SCHEMA.arrowSchema(), memory.allocator())) {
      VarCharVector zips = (VarCharVector) root.getVector("zip");
      zips.allocateNew();
      zips.setSafe(0, bytes("0123456789abcdef"));
      zips.setSafe(1, bytes("Zürich"));
      zips.setValueCount(2);
      assertTrue(BatchValidator.isAscii(zips, 1));
      assertFalse(BatchValidator.isAscii(zips, 2));
    }
  }

  /**
   * A metric column is checked whole when nothing in its buffer is NaN or infinite, else row by
   * row: a NULL slot may hold anything, a value's NaN is refused at its row.
   */
  @Test
  void metricChecks_skipNullSlotsAndNameTheFirstNonFiniteRow() {
    DatasetSchema schema = DatasetSchema.of(ColumnDefinition.of("spend", "DOUBLE"));
    IngestRules rules =
        new IngestRules(
            Set.of(), Set.of(), Set.of(), Set.of("spend"), IngestRules.DEFAULT_MAX_UPLOAD_BYTES);
    validateSpend(schema, rules, new double[] {1.5, Double.NaN, 2.0}, 1);
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () ->
                validateSpend(
                    schema, rules, new double[] {1.5, Double.NaN, Double.POSITIVE_INFINITY}, 1));
    assertEquals(ConnectorErrorCode.NON_FINITE_VALUE, e.code());
    assertEquals("row 3, column 'spend': a metric must be finite", e.getMessage());
    IngestRules nonNull =
        new IngestRules(
            Set.of("spend"),
            Set.of(),
            Set.of(),
            Set.of("spend"),
            IngestRules.DEFAULT_MAX_UPLOAD_BYTES);
    ConnectorException nullFirst =
        assertThrows(
            ConnectorException.class,
            () -> validateSpend(schema, nonNull, new double[] {1.5, 2.5, Double.NaN}, 0));
    assertEquals("row 1, column 'spend': NULL is not allowed here", nullFirst.getMessage());
  }

  /** One batch of {@code spend}, the slot {@code nullRow} NULL (its value left in the buffer). */
  private void validateSpend(DatasetSchema schema, IngestRules rules, double[] spend, int nullRow) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema.arrowSchema(), memory.allocator());
        BatchValidator validator = new BatchValidator(schema, rules, true, 1 << 10)) {
      Float8Vector vector = (Float8Vector) root.getVector("spend");
      vector.allocateNew(spend.length);
      for (int i = 0; i < spend.length; i++) {
        vector.set(i, spend[i]);
      }
      vector.setNull(nullRow);
      vector.setValueCount(spend.length);
      root.setRowCount(spend.length);
      validator.validate(root, 1);
    }
  }

  private void validate(List<byte[]> zips) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA.arrowSchema(), memory.allocator());
        BatchValidator validator = new BatchValidator(SCHEMA, IngestRules.none(), true, 1 << 10)) {
      root.allocateNew();
      VarCharVector vector = (VarCharVector) root.getVector("zip");
      for (int i = 0; i < zips.size(); i++) {
        vector.setSafe(i, zips.get(i));
      }
      vector.setValueCount(zips.size());
      root.getVector("id").setValueCount(zips.size());
      root.setRowCount(zips.size());
      validator.validate(root, 1);
    }
  }

  private static boolean decodes(byte[] value) {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(value));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
