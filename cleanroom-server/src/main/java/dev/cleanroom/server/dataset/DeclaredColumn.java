package dev.cleanroom.server.dataset;

import dev.cleanroom.server.api.Names;
import dev.cleanroom.server.problem.ServerException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One column of a dataset declaration; {@code type} is one of the declared types of
 * docs/ARCHITECTURE.md, normalised to upper case without spaces.
 */
public record DeclaredColumn(String name, String type) {
  private static final Pattern SIMPLE =
      Pattern.compile("BIGINT|INTEGER|DOUBLE|VARCHAR|BOOLEAN|DATE|TIMESTAMP");
  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d{1,2}),(\\d{1,2})\\)");

  public DeclaredColumn {
    Names.require("columns.name", name);
    if (type == null) {
      throw ServerException.malformed("column '" + name + "' has no 'type'");
    }
    type = type.replace(" ", "").toUpperCase(Locale.ROOT);
    if (!SIMPLE.matcher(type).matches() && !validDecimal(type)) {
      throw ServerException.malformed(
          "column '"
              + name
              + "' has an unsupported type; use BIGINT, INTEGER, DOUBLE, DECIMAL(p,s), VARCHAR,"
              + " BOOLEAN, DATE or TIMESTAMP");
    }
  }

  private static boolean validDecimal(String type) {
    Matcher matcher = DECIMAL.matcher(type);
    if (!matcher.matches()) {
      return false;
    }
    int precision = Integer.parseInt(matcher.group(1));
    int scale = Integer.parseInt(matcher.group(2));
    return precision >= 1 && precision <= 38 && scale <= precision;
  }
}
