package dev.cleanroom.client.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;

/** JSON values as the text a table shows. */
public final class JsonText {
  private JsonText() {}

  /** A number without trailing zeros or exponent; text as it is; {@code null} for null. */
  public static String of(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    return node.isNumber() ? plain(node.decimalValue()) : node.asText();
  }

  public static String plain(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0).toPlainString() : stripped.toPlainString();
  }
}
