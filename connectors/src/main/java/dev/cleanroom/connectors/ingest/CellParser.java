package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.ColumnType;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Locale;
import java.util.regex.Pattern;
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
  private static final Pattern INTEGER = Pattern.compile("-?[0-9]{1,19}");
  private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)");
  private static final Pattern DOUBLE =
      Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]{1,4})?");
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd", Locale.ROOT)
          .withResolverStyle(ResolverStyle.STRICT);
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ISO_LOCAL_DATE_TIME.withResolverStyle(ResolverStyle.STRICT);

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
    if (!INTEGER.matcher(text).matches()) {
      if (text.matches("-?[0-9]+")) {
        throw error(ConnectorErrorCode.VALUE_OUT_OF_RANGE, row, "value is out of BIGINT range");
      }
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
    if (!DOUBLE.matcher(text).matches()) {
      throw error(ConnectorErrorCode.TYPE_MISMATCH, row, "value is not a number");
    }
    return Double.parseDouble(text);
  }

  private BigDecimal parseDecimal(String text, long row) {
    if (!DECIMAL.matcher(text).matches()) {
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
    try {
      return Math.toIntExact(LocalDate.parse(text, DATE).toEpochDay());
    } catch (DateTimeParseException | ArithmeticException e) {
      throw error(ConnectorErrorCode.TYPE_MISMATCH, row, "value is not a date (YYYY-MM-DD)");
    }
  }

  private long parseTimestamp(String text, long row) {
    String iso = text.length() > 10 && text.charAt(10) == ' ' ? text.replaceFirst(" ", "T") : text;
    LocalDateTime value;
    try {
      value = LocalDateTime.parse(iso, TIMESTAMP);
    } catch (DateTimeParseException e) {
      throw error(
          ConnectorErrorCode.TYPE_MISMATCH,
          row,
          "value is not a timestamp (YYYY-MM-DD HH:MM:SS[.ffffff], no zone)");
    }
    if (value.getNano() % 1000 != 0) {
      throw error(
          ConnectorErrorCode.VALUE_OUT_OF_RANGE, row, "timestamps are stored to the microsecond");
    }
    try {
      long seconds = value.toEpochSecond(ZoneOffset.UTC);
      return Math.addExact(Math.multiplyExact(seconds, 1_000_000L), value.getNano() / 1000);
    } catch (ArithmeticException e) {
      throw error(ConnectorErrorCode.VALUE_OUT_OF_RANGE, row, "timestamp is out of range");
    }
  }

  private ConnectorException error(ConnectorErrorCode code, long row, String problem) {
    return new ConnectorException(
        code, "row " + row + ", column '" + columnName + "': " + problem + " (" + type + ")");
  }
}
