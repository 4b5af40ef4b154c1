package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;

/**
 * Encrypts a byte stream into the chunked format of {@link ChunkedFormat}. {@link #close()} seals
 * the final chunk; a stream abandoned without closing cannot be read back, by design.
 */
public final class EncryptingOutputStream extends OutputStream {
  private final OutputStream out;
  private final DataKey key;
  private final byte[] associatedData;
  private final byte[] buffer;
  private final AesGcm gcm = new AesGcm();
  private int buffered;
  private long chunkIndex;
  private boolean closed;

  public EncryptingOutputStream(OutputStream out, DataKey key, String context) throws IOException {
    this(out, key, context, ChunkedFormat.DEFAULT_CHUNK_SIZE);
  }

  public EncryptingOutputStream(OutputStream out, DataKey key, String context, int chunkSize)
      throws IOException {
    this.out = requireNonNull(out, "out is null");
    this.key = requireNonNull(key, "key is null");
    requireNonNull(context, "context is null");
    if (chunkSize < 1 || chunkSize > ChunkedFormat.MAX_CHUNK_SIZE) {
      throw new IllegalArgumentException("chunkSize out of range: " + chunkSize);
    }
    byte[] header = ChunkedFormat.header(chunkSize);
    this.associatedData = ChunkedFormat.associatedData(header, context);
    this.buffer = new byte[chunkSize];
    out.write(header);
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) throws IOException {
    ensureOpen();
    while (length > 0) {
      // A full buffer is sealed only once more data arrives, so the last chunk is known at close.
      if (buffered == buffer.length) {
        sealChunk(false);
      }
      int count = Math.min(length, buffer.length - buffered);
      System.arraycopy(bytes, offset, buffer, buffered, count);
      buffered += count;
      offset += count;
      length -= count;
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (out) {
      sealChunk(true);
      out.flush();
    }
  }

  private void sealChunk(boolean finalChunk) throws IOException {
    byte[] sealed =
        gcm.encrypt(
            key, Nonce.forChunk(chunkIndex, finalChunk), associatedData, buffer, 0, buffered);
    out.write(sealed);
    chunkIndex++;
    buffered = 0;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException("stream is closed");
    }
  }
}
