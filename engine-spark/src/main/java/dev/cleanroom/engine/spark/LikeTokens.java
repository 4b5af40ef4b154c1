package dev.cleanroom.engine.spark;

import java.util.ArrayList;
import java.util.List;

/**
 * A LIKE pattern read as Calcite (and {@code spi.LikePattern}) reads it, written for Spark: code
 * points to match literally, {@link #ANY_ONE} for {@code _}, {@link #ANY_RUN} for {@code %}. The
 * pattern must be valid ({@code LikePattern.isValid}).
 */
final class LikeTokens {
  static final int ANY_ONE = -1;
  static final int ANY_RUN = -2;

  private LikeTokens() {}

  static List<Integer> of(String pattern, String escape) {
    int escapeChar = escape == null ? -1 : escape.charAt(0);
    int[] codePoints = pattern.codePoints().toArray();
    List<Integer> tokens = new ArrayList<>();
    for (int i = 0; i < codePoints.length; i++) {
      int c = codePoints[i];
      if (c == escapeChar) {
        tokens.add(codePoints[++i]);
      } else if (c == '_') {
        tokens.add(ANY_ONE);
      } else if (c == '%') {
        tokens.add(ANY_RUN);
      } else {
        tokens.add(c);
      }
    }
    return tokens;
  }

  /** Spark's LIKE pattern (escape {@code \}) for tokens without {@link #ANY_ONE}. */
  static String sparkLike(List<Integer> tokens) {
    StringBuilder like = new StringBuilder();
    for (int token : tokens) {
      if (token == ANY_RUN) {
        like.append('%');
      } else if (token == ANY_ONE) {
        throw new IllegalArgumentException("_ has no exact Spark LIKE form");
      } else {
        if (token == '%' || token == '_' || token == '\\') {
          like.append('\\');
        }
        like.appendCodePoint(token);
      }
    }
    return like.toString();
  }

  /**
   * An anchored Java regular expression for Spark's {@code rlike}: {@code _} is one code point
   * other than a line terminator, {@code %} any run, and with {@code ignoreAsciiCase} only A-Z
   * fold.
   */
  static String regex(List<Integer> tokens, boolean ignoreAsciiCase) {
    StringBuilder regex = new StringBuilder("\\A");
    for (int token : tokens) {
      if (token == ANY_RUN) {
        regex.append("(?s:.*)");
      } else if (token == ANY_ONE) {
        regex.append("[^\\n\\r\\u0085\\u2028\\u2029]");
      } else if (ignoreAsciiCase && Character.isLetter(token) && token < 128) {
        regex
            .append('[')
            .appendCodePoint(Character.toLowerCase(token))
            .appendCodePoint(Character.toUpperCase(token))
            .append(']');
      } else {
        regex.append("\\x{").append(Integer.toHexString(token)).append('}');
      }
    }
    return regex.append("\\z").toString();
  }
}
