package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.spi.ColumnType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Parses CSV text into a vector cell of its declared type. Only one spelling per value is accepted
 * (fail closed): plain decimal integers, {@code true}/{@code false}, ISO dates and timestamps.
 */
final class CellParser {

  private final ColumnType type;
  private final String columnName;

  CellParser(ColumnType type, String columnName) {
    this.type = type;
    this.columnName = columnName;
  }

  /** Writes {@code text} (null for NULL) into row {@code index} of {@code vector}. */
  void write(FieldVector vector, int index, String text, long row) {
    if (text == null || (text.isEmpty() && type.kind() != ColumnType.Kind.VARCHAR)) {
      vector.setNull(index);
      return;
    }
    switch (type.kind()) {
      case BIGINT -> ((BigIntVector) vector).setSafe(index, parseLong(text, row));
      case INTEGER -> {
        long value = parseLong(text, row);
        if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
          throw error(ConnectorErrorCode.VALUE_OUT_OF_RANGE, row, "value is out of INTEGER range");
        }
        ((IntVector) vector).setSafe(index, (int) value);
      }
      case DOUBLE -> ((Float8Vector) vector).setSafe(index, parseDouble(text, row));
      case DECIMAL -> ((DecimalVector) vector).setSafe(index, parseDecimal(text, row));
      case VARCHAR ->
          ((VarCharVector) vector).setSafe(index, text.getBytes(StandardCharsets.UTF_8));
      case BOOLEAN -> ((BitVector) vector).setSafe(index, parseBoolean(text, row) ? 1 : 0);
      case DATE -> ((DateDayVector) vector).setSafe(index, parseDate(text, row));
      case TIMESTAMP -> ((TimeStampMicroVector) vector).setSafe(index, parseTimestamp(text, row));
    }
  }

  private long parseLong(String text, long row) {
    int start = text.charAt(0) == '-' ? 1 : 0;
    if (start == text.length() || !allDigits(text, start, text.length())) {
      throw error(ConnectorErrorCode.TYPE_MISMATCH, row, "value is not an integer");
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      throw error(ConnectorErrorCode.VALUE_OUT_OF_RANGE, row, "value is out of BIGINT range");
    }
  }

  private double parseDouble(String text, long row) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "Infinity":
        return Double.POSITIVE_INFINITY;
      case "-Infinity":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    if (!isPlainNumber(text, true)) {
      throw error(ConnectorErrorCode.TYPE_MISMATCH, row, "value is not a number");
    }
    return Double.parseDouble(text);
  }

  private BigDecimal parseDecimal(String text, long row) {
    if (!isPlainNumber(text, false)) {
      throw error(ConnectorErrorCode.TYPE_MISMATCH, row, "value is not a decimal number");
    }
    BigDecimal value = new BigDecimal(text);
    if (value.stripTrailingZeros().scale() > type.scale()) {
      throw error(
          ConnectorErrorCode.VALUE_OUT_OF_RANGE,
          row,
          "value has more than " + type.scale() + " digits after the point");
    }
    value = value.setScale(type.scale(), RoundingMode.UNNECESSARY);
    if (value.precision() > type.precision()) {
      throw error(ConnectorErrorCode.VALUE_OUT_OF_RANGE, row, "value does not fit " + type);
    }
    return value;
  }

  private boolean parseBoolean(String text, long row) {
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw error(
        ConnectorErrorCode.AMBIGUOUS_BOOLEAN, row, "a BOOLEAN must be written true or false");
  }

  private int parseDate(String text, long row) {
    if (text.length() != 10 || !isDate(text)) {
      throw error(ConnectorErrorCode.TYPE_MISMATCH, row, "value is not a date (YYYY-MM-DD)");
    }
    try {
      return (int) date(text).toEpochDay();
    } catch (DateTimeException e) {
      throw error(ConnectorErrorCode.TYPE_MISMATCH, row, "value is not a date (YYYY-MM-DD)");
    }
  }

  /**
   * {@code YYYY-MM-DD HH:MM[:SS[.f...]]} with a space or {@code T}, at most 9 fraction digits; the
   * seconds may be left out as ISO 8601 (and {@code LocalDateTime.toString()}) do when they are 0.
   */
  private long parseTimestamp(String text, long row) {
    int length = text.length();
    boolean minutes =
        length >= 16
            && isDate(text)
            && (text.charAt(10) == ' ' || text.charAt(10) == 'T')
            && allDigits(text, 11, 13)
            && text.charAt(13) == ':'
            && allDigits(text, 14, 16);
    boolean layout =
        minutes
            && (length == 16
                || (length >= 19
                    && text.charAt(16) == ':'
                    && allDigits(text, 17, 19)
                    && (length == 19
                        || (length >= 21
                            && length <= 29
                            && text.charAt(19) == '.'
                            && allDigits(text, 20, length)))));
    if (!layout) {
      throw error(
          ConnectorErrorCode.TYPE_MISMATCH,
          row,
          "value is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff], no zone)");
    }
    int seconds = length == 16 ? 0 : Integer.parseInt(text, 17, 19, 10);
    int nanos = 0;
    if (length > 19) {
      String fraction = (text.substring(20) + "00000000").substring(0, 9);
      nanos = Integer.parseInt(fraction);
    }
    if (nanos % 1000 != 0) {
      throw error(
          ConnectorErrorCode.VALUE_OUT_OF_RANGE, row, "timestamps are stored to the microsecond");
    }
    LocalDateTime value;
    try {
      value =
          LocalDateTime.of(
              date(text),
              LocalTime.of(
                  Integer.parseInt(text, 11, 13, 10),
                  Integer.parseInt(text, 14, 16, 10),
                  seconds,
                  nanos));
    } catch (DateTimeException e) {
      throw error(
          ConnectorErrorCode.TYPE_MISMATCH,
          row,
          "value is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff], no zone)");
    }
    // Years 0000 to 9999 in microseconds are far inside a long.
    return value.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + nanos / 1000;
  }

  private static boolean isDate(String text) {
    return allDigits(text, 0, 4)
        && text.charAt(4) == '-'
        && allDigits(text, 5, 7)
        && text.charAt(7) == '-'
        && allDigits(text, 8, 10);
  }

  private static LocalDate date(String text) {
    return LocalDate.of(
        Integer.parseInt(text, 0, 4, 10),
        Integer.parseInt(text, 5, 7, 10),
        Integer.parseInt(text, 8, 10, 10));
  }

  private static boolean allDigits(String text, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * A decimal number: optional sign, digits with an optional point (at least one digit), and, when
   * allowed, an exponent of one to four digits. No spaces, no hex, no type suffixes.
   */
  private static boolean isPlainNumber(String text, boolean exponentAllowed) {
    int i = 0;
    int length = text.length();
    if (i < length && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
      i++;
    }
    int digits = 0;
    while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
      i++;
      digits++;
    }
    if (i < length && text.charAt(i) == '.') {
      i++;
      while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return false;
    }
    if (exponentAllowed && i < length && (text.charAt(i) == 'e' || text.charAt(i) == 'E')) {
      i++;
      if (i < length && (text.charAt(i) == '+' || text.charAt(i) == '-')) {
        i++;
      }
      int exponentDigits = 0;
      while (i < length && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
        i++;
        exponentDigits++;
      }
      if (exponentDigits < 1 || exponentDigits > 4) {
        return false;
      }
    }
    return i == length;
  }

  private ConnectorException error(ConnectorErrorCode code, long row, String problem) {
    return new ConnectorException(
        code, "row " + row + ", column '" + columnName + "': " + problem + " (" + type + ")");
  }
}
