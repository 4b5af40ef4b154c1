package dev.cleanroom.connectors.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChunkedEncryptionTest {
  private static final int CHUNK = 100;
  private static final int SEALED_CHUNK = CHUNK + AesGcm.TAG_BYTES;
  private final DataKey key = DataKey.generate(new SecureRandom());

  @Test
  void anyLength_roundTrips() throws IOException {
    for (int length : new int[] {0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 3 * CHUNK, 1000}) {
      byte[] plain = plaintext(length);
      assertArrayEquals(plain, decrypt(encrypt(plain, "ctx"), key, "ctx"), "length " + length);
    }
  }

  @Test
  void flippedByte_failsAuthentication() throws IOException {
    byte[] sealed = encrypt(plaintext(250), "ctx");
    sealed[ChunkedFormat.HEADER_BYTES + SEALED_CHUNK + 5] ^= 1;
    assertIntegrityFailure(sealed, key, "ctx");
  }

  @Test
  void swappedChunks_failAuthentication() throws IOException {
    byte[] sealed = encrypt(plaintext(3 * CHUNK + 10), "ctx");
    int first = ChunkedFormat.HEADER_BYTES;
    byte[] swapped = sealed.clone();
    System.arraycopy(sealed, first, swapped, first + SEALED_CHUNK, SEALED_CHUNK);
    System.arraycopy(sealed, first + SEALED_CHUNK, swapped, first, SEALED_CHUNK);
    assertIntegrityFailure(swapped, key, "ctx");
  }

  @Test
  void truncatedAtChunkBoundary_failsAuthentication() throws IOException {
    byte[] sealed = encrypt(plaintext(3 * CHUNK + 10), "ctx");
    // Dropping the final chunk leaves a stream of whole chunks none of which is flagged final.
    assertIntegrityFailure(
        Arrays.copyOf(sealed, ChunkedFormat.HEADER_BYTES + 3 * SEALED_CHUNK), key, "ctx");
  }

  @Test
  void truncatedInsideChunk_failsAuthentication() throws IOException {
    byte[] sealed = encrypt(plaintext(250), "ctx");
    assertIntegrityFailure(Arrays.copyOf(sealed, sealed.length - 3), key, "ctx");
  }

  @Test
  void bytesAppended_failAuthentication() throws IOException {
    byte[] sealed = encrypt(plaintext(2 * CHUNK), "ctx");
    byte[] extended = Arrays.copyOf(sealed, sealed.length + SEALED_CHUNK);
    assertIntegrityFailure(extended, key, "ctx");
  }

  @Test
  void otherContextOrKey_failsAuthentication() throws IOException {
    byte[] sealed = encrypt(plaintext(50), "dataset=a;version=1");
    assertIntegrityFailure(sealed, key, "dataset=a;version=2");
    assertIntegrityFailure(sealed, DataKey.generate(new SecureRandom()), "dataset=a;version=1");
  }

  private byte[] encrypt(byte[] plain, String context) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (EncryptingOutputStream encrypting = new EncryptingOutputStream(out, key, context, CHUNK)) {
      // Uneven writes cross chunk boundaries.
      int offset = 0;
      while (offset < plain.length) {
        int count = Math.min(37, plain.length - offset);
        encrypting.write(plain, offset, count);
        offset += count;
      }
    }
    return out.toByteArray();
  }

  private static byte[] decrypt(byte[] sealed, DataKey key, String context) throws IOException {
    try (InputStream in =
        new DecryptingInputStream(new ByteArrayInputStream(sealed), key, context)) {
      return in.readAllBytes();
    }
  }

  private static void assertIntegrityFailure(byte[] sealed, DataKey key, String context) {
    ConnectorException e =
        assertThrows(ConnectorException.class, () -> decrypt(sealed, key, context));
    assertEquals(ConnectorErrorCode.INTEGRITY_FAILURE, e.code());
  }

  private static byte[] plaintext(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }
}
