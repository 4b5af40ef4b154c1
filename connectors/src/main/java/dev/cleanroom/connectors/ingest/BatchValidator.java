package dev.cleanroom.connectors.ingest;

import com.google.common.base.Utf8;
import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.Fingerprints;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import dev.cleanroom.spi.ColumnType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
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
  // A string's bytes for the UTF-8 check of a batch that is not all ASCII.
  private byte[] valueBytes = new byte[256];

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
      // A check that the whole column passes at once (no NULLs; strings that are all ASCII bytes,
      // valid UTF-8 whatever their boundaries; metrics without a NaN or infinity anywhere in
      // their buffer) is not made row by row. Any other column is checked row by row, so an error
      // names the first failing row and check as before.
      boolean nullsPass = !check.nonNull() || vector.getNullCount() == 0;
      boolean binaryPasses =
          !binarySource
              || (vector instanceof VarCharVector strings
                  ? isAscii(strings, rows)
                  : !(vector instanceof DecimalVector));
      boolean metricPasses =
          !check.metric() || !(vector instanceof Float8Vector doubles) || allFinite(doubles, rows);
      if (nullsPass
          && binaryPasses
          && metricPasses
          && !check.fingerprint()
          && check.uniqueValues() == null) {
        continue;
      }
      for (int i = 0; i < rows; i++) {
        long row = firstRow + i;
        if (vector.isNull(i)) {
          if (check.nonNull()) {
            throw error(ConnectorErrorCode.NULL_VALUE, row, check, "NULL is not allowed here");
          }
          continue;
        }
        if (!binaryPasses) {
          checkBinaryValue(vector, i, row, check);
        }
        if (!metricPasses && vector instanceof Float8Vector doubles) {
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

  /**
   * Whether none of the first {@code rows} slots of {@code doubles} holds a NaN or an infinity
   * (NULL slots included, whatever they hold: then the rows are checked one by one).
   */
  static boolean allFinite(Float8Vector doubles, int rows) {
    ArrowBuf data = doubles.getDataBuffer();
    long exponent = 0x7FF0000000000000L;
    boolean finite = true;
    for (int i = 0; i < rows; i++) {
      finite &= (data.getLong((long) i * Float8Vector.TYPE_WIDTH) & exponent) != exponent;
    }
    return finite;
  }

  /**
   * Whether the first {@code rows} values of {@code strings} lie one after the other (offsets that
   * never go back, as a well-formed vector's) in data that is all ASCII bytes.
   */
  static boolean isAscii(VarCharVector strings, int rows) {
    if (rows == 0) {
      return true;
    }
    ArrowBuf offsets = strings.getOffsetBuffer();
    int previous = offsets.getInt(0);
    for (int i = 1; i <= rows; i++) {
      int offset = offsets.getInt((long) i * BaseVariableWidthVector.OFFSET_WIDTH);
      if (offset < previous) {
        return false;
      }
      previous = offset;
    }
    ArrowBuf data = strings.getDataBuffer();
    long at = offsets.getInt(0);
    long end = previous;
    long bits = 0;
    for (; at + Long.BYTES <= end; at += Long.BYTES) {
      bits |= data.getLong(at);
    }
    for (; at < end; at++) {
      bits |= data.getByte(at);
    }
    return (bits & 0x8080808080808080L) == 0;
  }

  private void checkBinaryValue(FieldVector vector, int i, long row, ColumnCheck check) {
    if (vector instanceof VarCharVector strings) {
      int length = strings.getValueLength(i);
      if (valueBytes.length < length) {
        valueBytes = new byte[Math.max(length, 2 * valueBytes.length)];
      }
      strings.getDataBuffer().getBytes(strings.getStartOffset(i), valueBytes, 0, length);
      // Well-formed as the JDK's decoder requires it: no overlong forms, no surrogates.
      if (!Utf8.isWellFormed(valueBytes, 0, length)) {
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
