package dev.cleanroom.engine.vectorized;

import dev.cleanroom.spi.KeyedHashFunction;
import java.nio.charset.StandardCharsets;

/**
 * A keyed hash in the form {@link KeyedHashFunction} describes, for tests: each value encoded as
 * its class and text, the encodings hashed one after the other (FNV-1a mixed with the keys). {@link
 * #hash(long, long, Object, Object)} is what Calcite calls; the executor calls {@link #encode} and
 * {@link #hash(long, long, byte[], int)} itself.
 */
public final class KeyedTestHash {
  static final String NAME = "CR_TEST_HASH";

  private KeyedTestHash() {}

  public static long hash(long key0, long key1, Object first, Object second) {
    byte[] a = encode(first);
    byte[] b = encode(second);
    byte[] data = new byte[a.length + b.length];
    System.arraycopy(a, 0, data, 0, a.length);
    System.arraycopy(b, 0, data, a.length, b.length);
    return hash(key0, key1, data, data.length);
  }

  static byte[] encode(Object value) {
    String text = value == null ? "null;" : value.getClass().getSimpleName() + ":" + value + ";";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static long hash(long key0, long key1, byte[] data, int length) {
    long h = 0xcbf29ce484222325L ^ key0;
    for (int i = 0; i < length; i++) {
      h = (h ^ (data[i] & 0xff)) * 0x100000001b3L;
    }
    return h ^ Long.rotateLeft(key1, 17);
  }

  static KeyedHashFunction function() {
    return new KeyedHashFunction(NAME, KeyedTestHash::encode, KeyedTestHash::hash);
  }
}
