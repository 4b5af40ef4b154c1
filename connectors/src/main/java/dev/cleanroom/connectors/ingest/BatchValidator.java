package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.Fingerprints;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.spi.ColumnType;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Checks batches in the declared schema against the ingest rules, and for binary formats the values
 * a CSV parse would have refused (invalid UTF-8, decimals wider than declared). Uniqueness spans
 * the whole upload and is checked by an external sort in bounded memory; {@link #finish()} reports
 * a repeat that the batches seen so far could not yet reveal. Close to delete its temporary files.
 */
final class BatchValidator implements AutoCloseable {
  private static final Pattern HEX = Pattern.compile("(fp1:)?[0-9a-fA-F]+");

  private final boolean binarySource;
  private final List<ColumnCheck> checks = new ArrayList<>();
  // A value's bytes for the fingerprint check, without a String per row.
  private final byte[] scratch = new byte[Fingerprints.LENGTH];

  private record ColumnCheck(
      int index,
      String name,
      ColumnType type,
      boolean nonNull,
      UniqueValueTracker uniqueValues,
      boolean fingerprint,
      boolean metric) {}

  BatchValidator(DatasetSchema schema, IngestRules rules, boolean binarySource, int runSize) {
    this.binarySource = binarySource;
    for (int i = 0; i < schema.size(); i++) {
      String name = schema.column(i).name();
      ColumnType type = schema.column(i).type();
      boolean nonNull = rules.nonNullColumns().contains(name);
      boolean unique = rules.uniqueColumns().contains(name);
      boolean fingerprint = rules.fingerprintColumns().contains(name);
      boolean metric = rules.metricColumns().contains(name);
      boolean binaryCheck =
          binarySource
              && (type.kind() == ColumnType.Kind.VARCHAR || type.kind() == ColumnType.Kind.DECIMAL);
      if (nonNull || unique || fingerprint || metric || binaryCheck) {
        checks.add(
            new ColumnCheck(
                i,
                name,
                type,
                nonNull,
                unique ? new UniqueValueTracker(name, runSize) : null,
                fingerprint,
                metric));
      }
    }
  }

  /** Validates a batch whose first row is data row {@code firstRow} (1-based) of the upload. */
  void validate(VectorSchemaRoot batch, long firstRow) {
    int rows = batch.getRowCount();
    for (ColumnCheck check : checks) {
      FieldVector vector = batch.getVector(check.index());
      for (int i = 0; i < rows; i++) {
        long row = firstRow + i;
        if (vector.isNull(i)) {
          if (check.nonNull()) {
            throw error(ConnectorErrorCode.NULL_VALUE, row, check, "NULL is not allowed here");
          }
          continue;
        }
        if (binarySource) {
          checkBinaryValue(vector, i, row, check);
        }
        if (check.metric() && vector instanceof Float8Vector doubles) {
          if (!Double.isFinite(doubles.get(i))) {
            throw error(ConnectorErrorCode.NON_FINITE_VALUE, row, check, "a metric must be finite");
          }
        }
        if (check.fingerprint()) {
          checkFingerprint((VarCharVector) vector, i, row, check);
        }
        if (check.uniqueValues() != null) {
          addUnique(check.uniqueValues(), vector, i, row);
        }
      }
    }
  }

  private void checkBinaryValue(FieldVector vector, int i, long row, ColumnCheck check) {
    if (vector instanceof VarCharVector strings) {
      try {
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(strings.get(i)));
      } catch (CharacterCodingException e) {
        throw error(ConnectorErrorCode.INVALID_ENCODING, row, check, "value is not valid UTF-8");
      }
    } else if (vector instanceof DecimalVector decimals) {
      BigDecimal value = decimals.getObject(i);
      if (value.precision() > check.type().precision()) {
        throw error(
            ConnectorErrorCode.VALUE_OUT_OF_RANGE,
            row,
            check,
            "value does not fit " + check.type());
      }
    }
  }

  private void checkFingerprint(VarCharVector vector, int i, long row, ColumnCheck check) {
    int length = vector.getValueLength(i);
    if (length == Fingerprints.LENGTH) {
      vector.getDataBuffer().getBytes(vector.getStartOffset(i), scratch, 0, length);
      if (Fingerprints.looksLikeFingerprint(scratch, 0, length)) {
        return;
      }
    }
    String value = vector.getObject(i).toString();
    // Say which mistake it looks like, without quoting the value.
    String hint;
    if (value.indexOf('@') >= 0) {
      hint = "it looks like a plaintext e-mail address; fingerprint it with the client tool first";
    } else if (HEX.matcher(value).matches()) {
      hint =
          "it looks like a hash of the wrong length or case; expected '"
              + Fingerprints.PREFIX
              + "' and "
              + Fingerprints.HEX_DIGITS
              + " lower-case hex digits";
    } else {
      hint =
          "expected '"
              + Fingerprints.PREFIX
              + "' and "
              + Fingerprints.HEX_DIGITS
              + " lower-case hex digits";
    }
    throw error(
        ConnectorErrorCode.NOT_A_FINGERPRINT, row, check, "value is not a fingerprint: " + hint);
  }

  private static void addUnique(UniqueValueTracker tracker, FieldVector vector, int i, long row) {
    if (vector instanceof BaseIntVector integers) {
      tracker.addInteger(integers.getValueAsLong(i), row);
    } else {
      // Within one column Arrow's object of a value has one text form (a decimal keeps the
      // column's scale), so equal values give equal keys.
      tracker.addText(String.valueOf(vector.getObject(i)), row);
    }
  }

  /** Completes the checks that span the whole upload; call after the last batch. */
  void finish() {
    for (ColumnCheck check : checks) {
      if (check.uniqueValues() != null) {
        check.uniqueValues().finish();
      }
    }
  }

  /** Deletes temporary files of the uniqueness check. */
  @Override
  public void close() {
    for (ColumnCheck check : checks) {
      if (check.uniqueValues() != null) {
        check.uniqueValues().close();
      }
    }
  }

  private static ConnectorException error(
      ConnectorErrorCode code, long row, ColumnCheck check, String problem) {
    return new ConnectorException(
        code, "row " + row + ", column '" + check.name() + "': " + problem);
  }
}
