package dev.cleanroom.server.template;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A named, typed parameter of a query template.
 *
 * @param name the placeholder's name, {@code :name} in the SQL
 * @param type what its value must be
 */
@Schema(description = "A named, typed parameter: :name in the SQL")
public record TemplateParameter(String name, Type type) {
  private static final Pattern NAME = Pattern.compile("[a-z_][a-z0-9_]{0,63}");

  /** The most values a list parameter takes. */
  static final int MAX_LIST_VALUES = 1_000;

  public TemplateParameter {
    if (name == null || !NAME.matcher(name).matches()) {
      throw ServerException.malformed(
          "a parameter's 'name' is a lower-case identifier ([a-z_][a-z0-9_]*)");
    }
    if (type == null) {
      throw ServerException.malformed("parameter '" + name + "' needs a 'type'");
    }
  }

  /** The types a parameter may have; a list type stands for {@code IN (:values)}. */
  public enum Type {
    STRING,
    INTEGER,
    DECIMAL,
    DATE,
    TIMESTAMP,
    BOOLEAN,
    STRING_LIST,
    INTEGER_LIST,
    DECIMAL_LIST,
    DATE_LIST,
    TIMESTAMP_LIST,
    BOOLEAN_LIST;

    /** The most digits a DECIMAL value may have on either side of the point. */
    private static final int MAX_DECIMAL_DIGITS = 38;

    private static final DateTimeFormatter TIMESTAMP_TEXT =
        DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm:ss", Locale.ROOT);

    boolean isList() {
      return name().endsWith("_LIST");
    }

    private Type element() {
      return switch (this) {
        case STRING_LIST -> STRING;
        case INTEGER_LIST -> INTEGER;
        case DECIMAL_LIST -> DECIMAL;
        case DATE_LIST -> DATE;
        case TIMESTAMP_LIST -> TIMESTAMP;
        case BOOLEAN_LIST -> BOOLEAN;
        default -> this;
      };
    }

    /** A value that checks the template while it is analysed at creation. */
    String standIn() {
      return switch (element()) {
        case STRING -> "'x'";
        case INTEGER -> "0";
        case DECIMAL -> "0.0";
        case DATE -> "DATE '2000-01-01'";
        case TIMESTAMP -> "TIMESTAMP '2000-01-01 00:00:00'";
        default -> "TRUE";
      };
    }

    /**
     * The SQL literal (for a list, the comma-separated literals) of a JSON value of this type; 422
     * {@code template-parameter-type} naming the parameter, never echoing the value.
     */
    String literal(String parameter, JsonNode value) {
      if (!isList()) {
        return scalar(parameter, value, this);
      }
      if (value == null || !value.isArray() || value.isEmpty()) {
        throw wrongType(parameter, "a non-empty array of " + element().describe());
      }
      if (value.size() > MAX_LIST_VALUES) {
        throw wrongType(parameter, "at most " + MAX_LIST_VALUES + " values");
      }
      List<String> literals = new ArrayList<>();
      for (JsonNode element : value) {
        literals.add(scalar(parameter, element, element()));
      }
      return String.join(", ", literals);
    }

    private static String scalar(String parameter, JsonNode value, Type type) {
      if (value == null || value.isNull()) {
        throw wrongType(parameter, type.describe() + ", not null");
      }
      switch (type) {
        case STRING -> {
          if (!value.isTextual()) {
            throw wrongType(parameter, type.describe());
          }
          return "'" + value.asText().replace("'", "''") + "'";
        }
        case INTEGER -> {
          if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw wrongType(parameter, type.describe());
          }
          return Long.toString(value.asLong());
        }
        case DECIMAL -> {
          if (!value.isNumber()
              || (value.isFloatingPointNumber()
                  && !value.isBigDecimal()
                  && !Double.isFinite(value.doubleValue()))) {
            throw wrongType(parameter, type.describe());
          }
          BigDecimal number = value.decimalValue();
          // 1e999999999 is a short JSON number whose plain text would be a billion digits.
          if (number.scale() > MAX_DECIMAL_DIGITS
              || number.precision() - number.scale() > MAX_DECIMAL_DIGITS) {
            throw wrongType(
                parameter, "a number of at most " + MAX_DECIMAL_DIGITS + " digits each side");
          }
          return number.toPlainString();
        }
        case BOOLEAN -> {
          if (!value.isBoolean()) {
            throw wrongType(parameter, type.describe());
          }
          return value.asBoolean() ? "TRUE" : "FALSE";
        }
        case DATE -> {
          try {
            if (!value.isTextual() || value.asText().length() != 10) {
              throw wrongType(parameter, type.describe());
            }
            return "DATE '" + LocalDate.parse(value.asText()) + "'";
          } catch (DateTimeParseException e) {
            throw wrongType(parameter, type.describe());
          }
        }
        case TIMESTAMP -> {
          try {
            if (!value.isTextual()) {
              throw wrongType(parameter, type.describe());
            }
            LocalDateTime time = LocalDateTime.parse(value.asText().replace(' ', 'T'));
            return "TIMESTAMP '" + TIMESTAMP_TEXT.format(time) + "'";
          } catch (DateTimeParseException e) {
            throw wrongType(parameter, type.describe());
          }
        }
        default -> throw new IllegalStateException("not a scalar type: " + type);
      }
    }

    private String describe() {
      return switch (this) {
        case STRING -> "a string";
        case INTEGER -> "a whole number";
        case DECIMAL -> "a number";
        case DATE -> "a date written YYYY-MM-DD";
        case TIMESTAMP -> "a timestamp written YYYY-MM-DD HH:MM:SS";
        case BOOLEAN -> "true or false";
        default -> "a list";
      };
    }

    private static ServerException wrongType(String parameter, String expected) {
      return new ServerException(
          ServerErrorCode.TEMPLATE_PARAMETER_TYPE,
          "parameter '" + parameter + "' must be " + expected);
    }
  }
}
