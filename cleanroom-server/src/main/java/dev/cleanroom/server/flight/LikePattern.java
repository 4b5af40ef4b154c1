package dev.cleanroom.server.flight;

import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;

/**
 * A SQL {@code LIKE} pattern of a metadata call ({@code %} any run, {@code _} one character),
 * matched in time bounded by the pattern's length times the name's: never a regular expression,
 * whose backtracking a pattern of many {@code %} turns exponential.
 */
record LikePattern(String pattern) {
  static final int MAX_LENGTH = 256;

  /** The pattern, or one that matches everything for {@code null}. */
  static LikePattern of(String pattern) {
    if (pattern == null) {
      return new LikePattern("%");
    }
    if (pattern.length() > MAX_LENGTH) {
      throw new ServerException(
          ServerErrorCode.MALFORMED_REQUEST,
          "a name pattern is longer than " + MAX_LENGTH + " characters");
    }
    return new LikePattern(pattern);
  }

  boolean matches(String text) {
    int p = 0;
    int t = 0;
    int star = -1;
    int resume = 0;
    while (t < text.length()) {
      if (p < pattern.length()
          && (pattern.charAt(p) == '_' || pattern.charAt(p) == text.charAt(t))
          && pattern.charAt(p) != '%') {
        p++;
        t++;
      } else if (p < pattern.length() && pattern.charAt(p) == '%') {
        star = p++;
        resume = t;
      } else if (star >= 0) {
        p = star + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '%') {
      p++;
    }
    return p == pattern.length();
  }
}
