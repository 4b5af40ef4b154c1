package dev.cleanroom.connectors.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.TestDatasets;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CsvIngestTest {
  private static final String FP_A = "fp1:" + "a".repeat(64);
  private static final String FP_B = "fp1:" + "b".repeat(64);

  @RegisterExtension final TestAllocator memory = new TestAllocator();

  @Test
  void validFile_yieldsEngineValuesPerArchitectureMapping() {
    RowCollector rows = new RowCollector();
    IngestSummary summary = ingest("ingest/valid.csv", TestDatasets.customerRules(), rows);

    assertEquals(3, summary.rows());
    long joinedMicros =
        LocalDate.of(2024, 1, 2).toEpochDay() * 86_400_000_000L
            + (3 * 3600 + 4 * 60 + 5) * 1_000_000L;
    assertEquals(
        Arrays.asList(
            1L,
            FP_A,
            "10115",
            34,
            120.5,
            new BigDecimal("12.30"),
            false,
            (int) LocalDate.of(1990, 5, 1).toEpochDay(),
            (joinedMicros + 123_456) / 1000),
        rows.rows.get(0));
    assertEquals(
        Arrays.asList(
            2L,
            FP_B,
            "10,117",
            null,
            0.0,
            new BigDecimal("-1.50"),
            true,
            null,
            joinedMicros / 1000),
        rows.rows.get(1));
    assertEquals(
        Arrays.asList(
            3L,
            null,
            "say \"hi\"\nthere",
            61,
            1000.0,
            new BigDecimal("7.00"),
            false,
            (int) LocalDate.of(2000, 2, 29).toEpochDay(),
            null),
        rows.rows.get(2));
  }

  @Test
  void manyRows_streamInBoundedBatchesWithProgress() {
    StringBuilder csv =
        new StringBuilder(
            "customer_id,email_hash,zip,age,lifetime_spend,balance,"
                + "opted_out,birthday,joined\n");
    for (int i = 1; i <= 2500; i++) {
      csv.append(i).append(",,z,1,1.0,1.00,true,2000-01-01,2000-01-01 00:00:00\n");
    }
    RowCollector rows = new RowCollector();
    List<long[]> progress = new ArrayList<>();
    IngestSummary summary =
        new DatasetIngestor(1000)
            .ingest(
                new ByteArrayInputStream(csv.toString().getBytes(StandardCharsets.UTF_8)),
                UploadFormat.CSV,
                TestDatasets.customers(),
                TestDatasets.customerRules(),
                memory.allocator(),
                rows,
                (bytes, count) -> progress.add(new long[] {bytes, count}));

    assertEquals(2500, summary.rows());
    assertEquals(3, rows.batches);
    assertEquals(List.of(1000L, 2000L, 2500L), progress.stream().map(p -> p[1]).toList());
    assertEquals(csv.length(), progress.get(2)[0]);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "ragged.csv|MALFORMED_CSV|row 2 (line 3): has 8 fields, the header has 9",
        "unterminated-quote.csv|MALFORMED_CSV|row 1 (line 2): unterminated quoted field",
        "stray-quote.csv|MALFORMED_CSV|row 1 (line 2): a quote inside an unquoted field",
        "missing-column.csv|MISSING_COLUMN|declared column 'joined' is missing from the upload",
        "duplicate-column.csv|DUPLICATE_COLUMN|column 10 of the header repeats column 'zip'",
        "differently-cased-column.csv|LOOKALIKE_COLUMN|column 1 of the header differs from the"
            + " declared column 'customer_id' only by case, spacing or look-alike characters",
        "lookalike-column.csv|LOOKALIKE_COLUMN|column 2 of the header differs from the declared"
            + " column 'email_hash' only by case, spacing or look-alike characters",
        "unknown-column.csv|UNKNOWN_COLUMN|column 10 of the header is not a declared column",
        "wrong-type.csv|TYPE_MISMATCH|row 1, column 'age': value is not an integer (INTEGER)",
        "non-finite-metric.csv|NON_FINITE_VALUE|row 1, column 'lifetime_spend': a metric must be"
            + " finite",
        "null-unit.csv|NULL_VALUE|row 2, column 'customer_id': NULL is not allowed here",
        "duplicate-unit.csv|DUPLICATE_VALUE|row 3, column 'customer_id': value repeats an earlier"
            + " row",
        "ambiguous-boolean.csv|AMBIGUOUS_BOOLEAN|row 1, column 'opted_out': a BOOLEAN must be"
            + " written true or false",
        "plaintext-email.csv|NOT_A_FINGERPRINT|row 1, column 'email_hash': value is not a"
            + " fingerprint: it looks like a plaintext e-mail address",
        "short-hash.csv|NOT_A_FINGERPRINT|row 1, column 'email_hash': value is not a fingerprint:"
            + " it looks like a hash of the wrong length",
        "header-only.csv|EMPTY_UPLOAD|the upload has no rows",
        "empty.csv|EMPTY_UPLOAD|the upload is empty",
        "invalid-utf8.csv|INVALID_ENCODING|the upload is not valid UTF-8",
        "decimal-too-precise.csv|VALUE_OUT_OF_RANGE|row 1, column 'balance': value has more than 2"
            + " digits after the point",
        "invalid-date.csv|TYPE_MISMATCH|row 1, column 'birthday': value is not a date",
      })
  void badFile_isRefusedWithCodeAndPosition(
      String file, ConnectorErrorCode code, String messageStart) {
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () -> ingest("ingest/" + file, TestDatasets.customerRules(), new RowCollector()));
    assertEquals(code, e.code());
    assertTrue(
        e.getMessage().startsWith(messageStart) || e.getMessage().contains(messageStart),
        e.getMessage());
  }

  @Test
  void refusedValues_neverAppearInTheMessage() {
    ConnectorException email =
        assertThrows(
            ConnectorException.class,
            () ->
                ingest(
                    "ingest/plaintext-email.csv",
                    TestDatasets.customerRules(),
                    new RowCollector()));
    assertFalse(email.getMessage().contains("alice"), email.getMessage());
    ConnectorException age =
        assertThrows(
            ConnectorException.class,
            () ->
                ingest("ingest/wrong-type.csv", TestDatasets.customerRules(), new RowCollector()));
    assertFalse(age.getMessage().contains("thirty"), age.getMessage());
  }

  @Test
  void lineOfThousandsOfCommas_isRefusedBeforeMemoryGrows() {
    String csv = "customer_id\n" + ",".repeat(100_000) + "\n";
    ConnectorException e =
        assertThrows(
            ConnectorException.class,
            () ->
                new DatasetIngestor()
                    .ingest(
                        new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
                        UploadFormat.CSV,
                        TestDatasets.customers(),
                        IngestRules.none(),
                        memory.allocator(),
                        new RowCollector(),
                        IngestProgress.NONE));
    // The header is checked first: this upload lacks declared columns.
    assertEquals(ConnectorErrorCode.MISSING_COLUMN, e.code());

    CsvRecordReader reader = new CsvRecordReader(new java.io.StringReader(",".repeat(100_000)));
    ConnectorException wide = assertThrows(ConnectorException.class, reader::next);
    assertEquals(ConnectorErrorCode.MALFORMED_CSV, wide.code());
    assertTrue(wide.getMessage().endsWith("a row with more than 4096 fields"), wide.getMessage());
  }

  @Test
  void uploadOverTheLimit_isRefused() {
    IngestRules rules = TestDatasets.customerRules().withMaxUploadBytes(100);
    ConnectorException e =
        assertThrows(
            ConnectorException.class, () -> ingest("ingest/valid.csv", rules, new RowCollector()));
    assertEquals(ConnectorErrorCode.UPLOAD_TOO_LARGE, e.code());
  }

  @Test
  void nonFiniteValueInNonMetricDouble_isAccepted() {
    String csv =
        "customer_id,email_hash,zip,age,lifetime_spend,balance,opted_out,birthday,joined\n"
            + "1,,z,1,NaN,1.00,true,2000-01-01,2000-01-01 00:00:00\n";
    RowCollector rows = new RowCollector();
    new DatasetIngestor()
        .ingest(
            new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)),
            UploadFormat.CSV,
            TestDatasets.customers(),
            IngestRules.none(),
            memory.allocator(),
            rows,
            IngestProgress.NONE);
    assertTrue(Double.isNaN((Double) rows.rows.get(0).get(4)));
  }

  private IngestSummary ingest(String resource, IngestRules rules, BatchSink sink) {
    try (InputStream in = TestDatasets.resource(resource)) {
      return new DatasetIngestor()
          .ingest(
              in,
              UploadFormat.CSV,
              TestDatasets.customers(),
              rules,
              memory.allocator(),
              sink,
              IngestProgress.NONE);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
