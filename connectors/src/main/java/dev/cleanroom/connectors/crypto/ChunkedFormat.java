package dev.cleanroom.connectors.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Layout of a chunked AES-256-GCM file: a header ({@code CRENC1}, chunk size) then chunks of {@code
 * chunkSize} plaintext bytes each (the last may be shorter, even empty), every chunk sealed with
 * its index and a final-chunk flag in the nonce and the header plus caller context as associated
 * data. Reordering, dropping, appending or truncating chunks all fail authentication.
 */
final class ChunkedFormat {
  static final byte[] MAGIC = "CRENC1".getBytes(StandardCharsets.US_ASCII);
  static final int HEADER_BYTES = MAGIC.length + Integer.BYTES;
  static final int DEFAULT_CHUNK_SIZE = 64 * 1024;
  static final int MAX_CHUNK_SIZE = 16 * 1024 * 1024;

  private ChunkedFormat() {}

  static byte[] header(int chunkSize) {
    return ByteBuffer.allocate(HEADER_BYTES).put(MAGIC).putInt(chunkSize).array();
  }

  static byte[] associatedData(byte[] header, String context) {
    byte[] contextBytes = context.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(header.length + contextBytes.length)
        .put(header)
        .put(contextBytes)
        .array();
  }
}
