package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.security.SecureRandom;

/** A 96-bit AES-GCM nonce; never reused under one key. */
final class Nonce {
  static final int LENGTH = 12;
  private final byte[] bytes;

  private Nonce(byte[] bytes) {
    this.bytes = bytes;
  }

  static Nonce random(SecureRandom random) {
    byte[] bytes = new byte[LENGTH];
    random.nextBytes(bytes);
    return new Nonce(bytes);
  }

  static Nonce of(byte[] bytes) {
    requireNonNull(bytes, "bytes is null");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("nonce must be " + LENGTH + " bytes");
    }
    return new Nonce(bytes.clone());
  }

  /**
   * The nonce of one chunk of a stored file: the chunk index and a final-chunk flag, so a chunk
   * moved to another position or presented as the last one fails authentication. Safe because each
   * file has its own fresh data key.
   */
  static Nonce forChunk(long chunkIndex, boolean finalChunk) {
    ByteBuffer buffer = ByteBuffer.allocate(LENGTH);
    buffer.putLong(chunkIndex);
    buffer.putShort((short) 0);
    buffer.put((byte) 0);
    buffer.put(finalChunk ? (byte) 1 : (byte) 0);
    return new Nonce(buffer.array());
  }

  byte[] bytes() {
    return bytes;
  }
}
