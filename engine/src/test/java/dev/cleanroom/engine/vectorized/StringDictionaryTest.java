package dev.cleanroom.engine.vectorized;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
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

  /**
   * Strings UTF-8 cannot hold (a lone surrogate) stay distinct from the "?" that UTF-8 encoding
   * would write for them, and come back as given.
   */
  @Test
  void loneSurrogates_stayDistinct_andComeBackAsGiven() {
    String[] values = {"a\uD800", "a?", "a\uDC00b", "x\uD83D\uDE00", "Zürich"};
    StringDictionary dictionary = new StringDictionary(values);

    for (int code = 0; code < values.length; code++) {
      assertEquals(values[code], dictionary.value(code));
      assertEquals(code, dictionary.codeOf(values[code]));
    }
    assertEquals(-1, dictionary.codeOf("a\uFFFD"));
    // The stored form of "a?" (its UTF-8 bytes) translates to "a?" only.
    StringDictionary stored =
        new StringDictionary(new String[] {"a?", "x\uD83D\uDE00", "Zürich", "b"});
    assertArrayEquals(new int[] {1, 3, 4, -1}, dictionary.translate(stored, query.context()));
  }

  @Test
  void valuesOverBytes_areDecodedAndFound() {
    byte[] bytes = "Zürichx日本".getBytes(StandardCharsets.UTF_8);
    int[] starts = {0, 7, 7, 8, bytes.length};
    StringDictionary dictionary = new StringDictionary(bytes, starts);

    assertEquals(4, dictionary.size());
    assertEquals("Zürich", dictionary.value(0));
    assertEquals("", dictionary.value(1));
    assertEquals("x", dictionary.value(2));
    assertEquals("日本", dictionary.value(3));
    assertEquals(3, dictionary.codeOf("日本"));
    assertEquals(1, dictionary.codeOf(""));
    assertEquals(-1, dictionary.codeOf("Zürichx"));
  }

  /** Large enough that both threads encode a range; kept for the next call. */
  @Test
  void encodings_areTheEncodersBytes_computedOnce() {
    int size = 50_000;
    String[] values = new String[size];
    for (int i = 0; i < size; i++) {
      values[i] = "v" + Integer.toHexString(i).repeat(1 + i % 3);
    }
    StringDictionary dictionary = new StringDictionary(values);
    AtomicInteger calls = new AtomicInteger();
    Function<Object, byte[]> encoder =
        value -> {
          calls.incrementAndGet();
          return ("<" + value + ">").getBytes(StandardCharsets.UTF_8);
        };

    StringDictionary.Encodings encodings = dictionary.encodings(encoder, query.context());

    for (int code = 0; code < size; code++) {
      byte[] expected = ("<" + values[code] + ">").getBytes(StandardCharsets.UTF_8);
      byte[] actual =
          Arrays.copyOfRange(
              encodings.bytes(), encodings.starts()[code], encodings.starts()[code + 1]);
      assertArrayEquals(expected, actual, "encoding of code " + code);
    }
    assertEquals(encodings.bytes().length, encodings.starts()[size]);
    assertSame(encodings, dictionary.encodings(encoder, query.context()));
    assertEquals(size, calls.get());
  }

  @Test
  void anEncodersFailure_isThrown_andNothingKept() {
    StringDictionary dictionary = new StringDictionary(new String[] {"a", "bad", "c"});
    AtomicInteger calls = new AtomicInteger();
    Function<Object, byte[]> encoder =
        value -> {
          calls.incrementAndGet();
          if (value.equals("bad")) {
            throw new IllegalArgumentException("refused");
          }
          return new byte[] {1};
        };

    assertThrows(
        IllegalArgumentException.class, () -> dictionary.encodings(encoder, query.context()));
    assertThrows(
        IllegalArgumentException.class, () -> dictionary.encodings(encoder, query.context()));
    assertEquals(4, calls.get());
  }
}
