package dev.cleanroom.spi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ContributionHashTest {
  /** The SipHash reference key 00 01 .. 0f, as two little-endian words. */
  private static final long KEY_0 = 0x0706050403020100L;

  private static final long KEY_1 = 0x0f0e0d0c0b0a0908L;

  @Test
  void sipHashOfEmptyInput_matchesTheReferenceVector() {
    assertEquals(0x726fdb47dd0e0e31L, ContributionHash.sipHash24(KEY_0, KEY_1, new byte[0]));
  }

  @Test
  void sipHashOfFifteenBytes_matchesTheReferenceVector() {
    byte[] input = new byte[15];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) i;
    }
    assertEquals(0xa129ca6149be45e5L, ContributionHash.sipHash24(KEY_0, KEY_1, input));
  }

  @Test
  void sipHashOfAPrefix_equalsTheHashOfThePrefixAlone() {
    byte[] input = new byte[40];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) (i * 7 + 3);
    }
    for (int length = 0; length <= input.length; length++) {
      assertEquals(
          ContributionHash.sipHash24(KEY_0, KEY_1, Arrays.copyOf(input, length)),
          ContributionHash.sipHash24(KEY_0, KEY_1, input, length),
          "length " + length);
    }
  }

  @Test
  void encode_writesTagBigEndianLengthAndPayload() {
    assertArrayEquals(new byte[] {0, 0, 0, 0, 0}, ContributionHash.encode(null));
    assertArrayEquals(
        ByteBuffer.allocate(13).put((byte) 1).putInt(8).putLong(-42L).array(),
        ContributionHash.encode(-42));
    assertArrayEquals(
        ByteBuffer.allocate(13)
            .put((byte) 2)
            .putInt(8)
            .putLong(Double.doubleToLongBits(1.5))
            .array(),
        ContributionHash.encode(1.5f));
    assertArrayEquals(
        new byte[] {3, 0, 0, 0, 3, '1', '.', '5'}, ContributionHash.encode(new BigDecimal("1.50")));
    assertArrayEquals(new byte[] {4, 0, 0, 0, 1, 1}, ContributionHash.encode(true));
    assertArrayEquals(
        new byte[] {5, 0, 0, 0, 4, 'c', (byte) 0xC3, (byte) 0xA9, '7'},
        ContributionHash.encode("c\u00e97"));
  }

  @Test
  void integerAndLongOfSameValue_hashAlike() {
    assertEquals(ContributionHash.hash(1, 2, 7, "c1"), ContributionHash.hash(1, 2, 7L, "c1"));
  }

  @Test
  void nullAndEmptyString_hashDifferently() {
    assertNotEquals(
        ContributionHash.hash(1, 2, 7L, (Object) null), ContributionHash.hash(1, 2, 7L, ""));
  }
}
