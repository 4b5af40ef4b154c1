package dev.cleanroom.engine.vectorized;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The index from a dictionary's strings to their codes, and the translation between two. */
class StringDictionaryTest {
  @RegisterExtension final TestQueryContext query = new TestQueryContext(1L << 20);

  @Test
  void codeOf_findsEveryValue_andMissesOthers_includingValuesWithTheSameJavaHash() {
    // "Aa" and "BB" have the same String.hashCode, so they land on the same slot.
    StringDictionary dictionary = new StringDictionary(new String[] {"Aa", "x", "", "BB"});

    assertEquals(0, dictionary.codeOf("Aa"));
    assertEquals(1, dictionary.codeOf("x"));
    assertEquals(2, dictionary.codeOf(""));
    assertEquals(3, dictionary.codeOf("BB"));
    assertEquals(-1, dictionary.codeOf("AaBB"));
    assertEquals(-1, dictionary.codeOf("y"));
  }

  @Test
  void repeatedValues_areRefused() {
    StringDictionary dictionary = new StringDictionary(new String[] {"a", "b", "a"});

    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> dictionary.codeOf("a"));
    assertEquals("dictionary values must be distinct", refused.getMessage());
  }

  /** Large enough that both threads translate a range, with shared and own values on each side. */
  @Test
  void translate_givesTheCodeOfEachValueOrMinusOne_onBothThreads() {
    int size = 100_000;
    String[] build = new String[size];
    String[] probe = new String[size];
    for (int i = 0; i < size; i++) {
      // The build side holds the even numbers in descending order, the probe side 0..size - 1.
      build[i] = Integer.toHexString(2 * (size - 1 - i));
      probe[i] = Integer.toHexString(i);
    }
    StringDictionary to = new StringDictionary(build);
    StringDictionary from = new StringDictionary(probe);
    int[] translation = to.translate(from, query.context());

    for (int i = 0; i < size; i++) {
      int expected = i % 2 == 0 ? size - 1 - i / 2 : -1;
      assertEquals(expected, translation[i], "code of " + probe[i]);
    }
  }
}
