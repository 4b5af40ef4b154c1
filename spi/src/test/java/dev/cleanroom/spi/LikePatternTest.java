package dev.cleanroom.spi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LikePatternTest {

  private static boolean like(String text, String pattern) {
    return LikePattern.compile(pattern, null).matches(text);
  }

  @Test
  void wildcards_matchAsInSql() {
    assertTrue(like("spring_sale", "spring%"));
    assertTrue(like("spring", "spring%"));
    assertFalse(like("a spring", "spring%"));
    assertTrue(like("c1", "c_"));
    assertFalse(like("c12", "c_"));
    assertTrue(like("", "%"));
    assertFalse(like("", "_"));
    assertTrue(like("abcabd", "%ab_"));
    assertTrue(like("xaybzc", "%a%b%c"));
    assertFalse(like("xaybz", "%a%b%c"));
    assertTrue(like("a.b", "a.b"));
    assertFalse(like("axb", "a.b"));
    assertFalse(like("Spring", "spring%"));
  }

  @Test
  void underscore_isOneCodePointButNoLineTerminator_likeCalcitesRegex() {
    assertTrue(like("a\uD83D\uDE00b", "a_b"));
    assertFalse(like("a\nb", "a_b"));
    assertFalse(like("a\u2028b", "a_b"));
    assertTrue(like("a\nb", "a%b"));
  }

  @Test
  void ignoringCase_foldsAsciiLettersOnly_likeCalcitesCaseInsensitiveRegex() {
    assertTrue(LikePattern.compile("SPRING%", null, true).matches("Spring_sale"));
    assertTrue(LikePattern.compile("c_", null, true).matches("C1"));
    assertFalse(LikePattern.compile("\u00e4b", null, true).matches("\u00c4B"));
    assertFalse(LikePattern.compile("\u212a", null, true).matches("K"));
    assertFalse(LikePattern.compile("spring%", null, false).matches("Spring"));
  }

  @Test
  void escape_makesWildcardsLiteral() {
    LikePattern percent = LikePattern.compile("50!%%", "!");
    assertTrue(percent.matches("50% off"));
    assertFalse(percent.matches("50 off"));
    assertTrue(LikePattern.compile("a!!b", "!").matches("a!b"));
    assertTrue(LikePattern.compile("a!_b", "!").matches("a_b"));
    assertFalse(LikePattern.compile("a!_b", "!").matches("axb"));
  }

  @Test
  void invalidEscapes_areRefusedAtCompileTime() {
    assertThrows(IllegalArgumentException.class, () -> LikePattern.compile("a!b", "!"));
    assertThrows(IllegalArgumentException.class, () -> LikePattern.compile("a!", "!"));
    assertThrows(IllegalArgumentException.class, () -> LikePattern.compile("a", "!!"));
    assertThrows(IllegalArgumentException.class, () -> LikePattern.compile("a", ""));
    assertFalse(LikePattern.isValid("a!b", "!"));
    assertTrue(LikePattern.isValid("a!%", "!"));
  }

  @Test
  void adversarialPattern_staysWithinPatternTimesTextSteps() {
    String pattern = "%a%a%a%a%a%a%a%a%b";
    String text = "a".repeat(5_000);
    LikePattern like = LikePattern.compile(pattern, null);
    assertFalse(like.matches(text));
    long bound = 2L * (pattern.length() + 1) * (text.length() + 1);
    long steps = like.steps(text);
    assertTrue(steps <= bound, steps + " steps > " + bound);
    assertTrue(like.matches(text + "b"));
  }

  @Test
  void agreesWithCalcitesRegexTranslation_onManySmallCases() {
    String[] patterns = {"%", "_", "a%", "%a", "a_b", "%a_", "_%_", "a%b%a", "%%", "ab", ""};
    String alphabet = "ab\n";
    for (String pattern : patterns) {
      Pattern regex =
          Pattern.compile(
              pattern.replace("_", "\u0001").replace("%", "(?s:.*)").replace("\u0001", "."));
      LikePattern like = LikePattern.compile(pattern, null);
      for (int length = 0; length <= 4; length++) {
        int combinations = (int) Math.pow(alphabet.length(), length);
        for (int code = 0; code < combinations; code++) {
          StringBuilder text = new StringBuilder();
          for (int i = 0, rest = code; i < length; i++, rest /= alphabet.length()) {
            text.append(alphabet.charAt(rest % alphabet.length()));
          }
          assertEquals(
              regex.matcher(text).matches(),
              like.matches(text.toString()),
              () -> "'" + text + "' LIKE '" + pattern + "'");
        }
      }
    }
  }

  /** Calcite reads NUL as an escape even with none given, and fails on every row it meets. */
  @Test
  void nulInPatternOrEscape_isInvalid() {
    assertFalse(LikePattern.isValid("a\0b", null));
    assertFalse(LikePattern.isValid("a\0%", null));
    assertFalse(LikePattern.isValid("a%", "\0"));
    assertTrue(LikePattern.isValid("a%", null));
  }
}
