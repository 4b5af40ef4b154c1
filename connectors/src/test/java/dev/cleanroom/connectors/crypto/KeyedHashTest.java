package dev.cleanroom.connectors.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KeyedHashTest {
  private static final byte[] KEY = new byte[32];

  static {
    Arrays.fill(KEY, (byte) 7);
  }

  @Test
  void isHmacSha256OfTheLengthPrefixedParts_asTheJdkComputesIt() throws Exception {
    ByteArrayOutputStream input = new ByteArrayOutputStream();
    for (String part : new String[] {"label", "12", "0042"}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      input.write(ByteBuffer.allocate(4).putInt(bytes.length).array());
      input.write(bytes);
    }
    Mac jdk = Mac.getInstance("HmacSHA256");
    jdk.init(new SecretKeySpec(KEY, "HmacSHA256"));
    String expected = HexFormat.of().formatHex(jdk.doFinal(input.toByteArray()));

    assertEquals(expected, KeyedHash.hex(KEY, "label", "12", "0042"));
  }

  @Test
  void partsAreNotConcatenated_andTheKeyMatters() {
    assertNotEquals(KeyedHash.hex(KEY, "l", "12", "3"), KeyedHash.hex(KEY, "l", "1", "23"));
    byte[] other = KEY.clone();
    other[0] = 8;
    assertNotEquals(KeyedHash.hex(KEY, "l", "x"), KeyedHash.hex(other, "l", "x"));
    assertThrows(IllegalArgumentException.class, () -> KeyedHash.hex(new byte[16], "l", "x"));
  }
}
