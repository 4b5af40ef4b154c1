package dev.cleanroom.spi;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A SQL {@code LIKE} pattern with Calcite's semantics ({@code _} is one character other than a line
 * terminator, {@code %} any run, an optional one-character escape; {@code ILIKE} ignores the case
 * of ASCII letters only, as Calcite's regular expression does), matched in at most (pattern length
 * + 1) times (text length + 1) steps: never a regular expression, whose backtracking a pattern like
 * {@code %a%a%a%b} makes polynomial of high degree or worse.
 */
public final class LikePattern {
  private static final int ANY_ONE = -1;
  private static final int ANY_RUN = -2;

  /**
   * Code points to match literally, {@link #ANY_ONE} and {@link #ANY_RUN}; no two runs in a row.
   */
  private final int[] tokens;

  private final boolean ignoreAsciiCase;

  private LikePattern(int[] tokens, boolean ignoreAsciiCase) {
    this.tokens = tokens;
    this.ignoreAsciiCase = ignoreAsciiCase;
  }

  /**
   * Compiles a pattern.
   *
   * @param pattern the pattern
   * @param escape the escape character, or {@code null} for none
   * @throws IllegalArgumentException when the escape is not one character, the pattern has an
   *     escape not followed by {@code _}, {@code %} or the escape itself, or the pattern or escape
   *     holds the NUL character (Calcite fails on these)
   */
  public static LikePattern compile(String pattern, String escape) {
    return compile(pattern, escape, false);
  }

  /**
   * Compiles a pattern for {@code LIKE}, or for {@code ILIKE} when {@code ignoreAsciiCase}: then
   * {@code A} to {@code Z} match {@code a} to {@code z} and no other letters fold.
   *
   * @throws IllegalArgumentException as {@link #compile(String, String)}
   */
  public static LikePattern compile(String pattern, String escape, boolean ignoreAsciiCase) {
    requireNonNull(pattern, "pattern is null");
    if (escape != null && escape.length() != 1) {
      throw new IllegalArgumentException("a LIKE escape must be exactly one character");
    }
    // Calcite reads NUL as an escape character even when none is given, and then fails on every
    // row: refused, so that whether a LIKE fails never depends on the rows it meets.
    if (pattern.indexOf('\0') >= 0 || (escape != null && escape.indexOf('\0') >= 0)) {
      throw new IllegalArgumentException("a LIKE pattern or escape may not hold the NUL character");
    }
    int escapeChar = escape == null ? -1 : escape.charAt(0);
    int[] codePoints = pattern.codePoints().toArray();
    int[] tokens = new int[codePoints.length];
    int count = 0;
    for (int i = 0; i < codePoints.length; i++) {
      int c = codePoints[i];
      if (c == escapeChar) {
        if (i + 1 >= codePoints.length
            || !(codePoints[i + 1] == '_'
                || codePoints[i + 1] == '%'
                || codePoints[i + 1] == escapeChar)) {
          throw new IllegalArgumentException(
              "a LIKE escape must be followed by _, % or the escape itself");
        }
        tokens[count++] = codePoints[++i];
      } else if (c == '_') {
        tokens[count++] = ANY_ONE;
      } else if (c == '%') {
        if (count == 0 || tokens[count - 1] != ANY_RUN) {
          tokens[count++] = ANY_RUN;
        }
      } else {
        tokens[count++] = c;
      }
    }
    int[] compiled = Arrays.copyOf(tokens, count);
    if (ignoreAsciiCase) {
      for (int i = 0; i < compiled.length; i++) {
        compiled[i] = lowerAscii(compiled[i]);
      }
    }
    return new LikePattern(compiled, ignoreAsciiCase);
  }

  /** Whether {@link #compile} accepts the pattern and escape. */
  public static boolean isValid(String pattern, String escape) {
    try {
      compile(pattern, escape);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Whether the whole text matches the pattern. */
  public boolean matches(String text) {
    return match(text, null);
  }

  /** The number of steps {@link #matches} takes on {@code text}; for tests of its bound. */
  long steps(String text) {
    long[] steps = new long[1];
    match(text, steps);
    return steps[0];
  }

  /**
   * Greedy matching that, on a mismatch, only ever retries the last {@code %} one character
   * further: earlier runs never need to grow, as the last one can absorb anything they would.
   */
  private boolean match(String text, long[] steps) {
    int[] chars = text.codePoints().toArray();
    int p = 0;
    int t = 0;
    int run = -1;
    int resume = 0;
    while (t < chars.length) {
      if (steps != null) {
        steps[0]++;
      }
      if (p < tokens.length && tokens[p] == ANY_RUN) {
        run = p++;
        resume = t;
      } else if (p < tokens.length
          && matchesOne(tokens[p], ignoreAsciiCase ? lowerAscii(chars[t]) : chars[t])) {
        p++;
        t++;
      } else if (run >= 0) {
        p = run + 1;
        t = ++resume;
      } else {
        return false;
      }
    }
    while (p < tokens.length && tokens[p] == ANY_RUN) {
      p++;
    }
    return p == tokens.length;
  }

  private static int lowerAscii(int codePoint) {
    return codePoint >= 'A' && codePoint <= 'Z' ? codePoint + ('a' - 'A') : codePoint;
  }

  private static boolean matchesOne(int token, int codePoint) {
    if (token == ANY_ONE) {
      // Java's '.' (Calcite's translation of '_') does not match line terminators.
      return codePoint != '\n'
          && codePoint != '\r'
          && codePoint != '\u0085'
          && codePoint != '\u2028'
          && codePoint != '\u2029';
    }
    return token == codePoint;
  }
}
