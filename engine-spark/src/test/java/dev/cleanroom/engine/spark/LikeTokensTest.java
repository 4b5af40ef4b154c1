package dev.cleanroom.engine.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.spi.LikePattern;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LikeTokensTest {
  private static final List<String> TEXTS =
      List.of(
          "", "a", "A", "ab", "a_b", "a%b", "a\\b", "c1", "C1x", "x\nc", "\n", "é", "É", "😀",
          "a😀b", "abc$", "a.c", "(a)", "[x]");

  @Test
  void regex_matchesExactlyWhatCalcitesLikeMatches() {
    String[][] patterns = {
      {"a%", null}, {"%b", null}, {"a_b", null}, {"_", null}, {"%", null}, {"", null},
      {"a!_b", "!"}, {"a!%b", "!"}, {"a!!b", "!"}, {"a\\b", null}, {"%.%", null}, {"(%)", null},
      {"[_]", null}, {"a_%", null}, {"$", null}, {"abc$", null}, {"é", null}, {"a_b", "\\"},
    };
    for (boolean ignoreCase : new boolean[] {false, true}) {
      for (String[] pattern : patterns) {
        LikePattern calcite = LikePattern.compile(pattern[0], pattern[1], ignoreCase);
        Pattern regex =
            Pattern.compile(LikeTokens.regex(LikeTokens.of(pattern[0], pattern[1]), ignoreCase));
        for (String text : TEXTS) {
          assertEquals(
              calcite.matches(text),
              regex.matcher(text).find(),
              () -> pattern[0] + " escape " + pattern[1] + " on " + text);
        }
      }
    }
  }

  @Test
  void sparkLike_escapesEveryLiteralWildcardAndBackslash() {
    assertEquals("a\\%b%", LikeTokens.sparkLike(LikeTokens.of("a!%b%", "!")));
    assertEquals("a\\_b", LikeTokens.sparkLike(LikeTokens.of("a!_b", "!")));
    assertEquals("a\\\\b%", LikeTokens.sparkLike(LikeTokens.of("a\\b%", null)));
    assertThrows(
        IllegalArgumentException.class, () -> LikeTokens.sparkLike(LikeTokens.of("a_", null)));
  }
}
