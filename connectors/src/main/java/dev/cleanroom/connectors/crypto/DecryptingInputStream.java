package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Reads the chunked format of {@link ChunkedFormat}, releasing a chunk's bytes only after its tag
 * verified. Any tampering, reordering or truncation fails with {@code INTEGRITY_FAILURE}.
 */
public final class DecryptingInputStream extends InputStream {
  private final InputStream in;
  private final DataKey key;
  private final byte[] associatedData;
  private final byte[] sealed;
  private final AesGcm gcm = new AesGcm();
  private byte[] plain = new byte[0];
  private int position;
  private long chunkIndex;
  private boolean finished;
  private int lookahead = -1;

  public DecryptingInputStream(InputStream in, DataKey key, String context) throws IOException {
    this.in = requireNonNull(in, "in is null");
    this.key = requireNonNull(key, "key is null");
    requireNonNull(context, "context is null");
    byte[] header = in.readNBytes(ChunkedFormat.HEADER_BYTES);
    if (header.length != ChunkedFormat.HEADER_BYTES
        || !Arrays.equals(
            header,
            0,
            ChunkedFormat.MAGIC.length,
            ChunkedFormat.MAGIC,
            0,
            ChunkedFormat.MAGIC.length)) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE, "stored file has no valid encryption header");
    }
    int chunkSize = ByteBuffer.wrap(header, ChunkedFormat.MAGIC.length, Integer.BYTES).getInt();
    if (chunkSize < 1 || chunkSize > ChunkedFormat.MAX_CHUNK_SIZE) {
      throw new ConnectorException(
          ConnectorErrorCode.INTEGRITY_FAILURE, "stored file declares an invalid chunk size");
    }
    this.associatedData = ChunkedFormat.associatedData(header, context);
    this.sealed = new byte[chunkSize + AesGcm.TAG_BYTES];
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int count = read(one, 0, 1);
    return count < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] target, int offset, int length) throws IOException {
    if (length == 0) {
      return 0;
    }
    while (position == plain.length) {
      if (finished) {
        return -1;
      }
      openNextChunk();
    }
    int count = Math.min(length, plain.length - position);
    System.arraycopy(plain, position, target, offset, count);
    position += count;
    return count;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  private void openNextChunk() throws IOException {
    int filled = 0;
    if (lookahead >= 0) {
      sealed[0] = (byte) lookahead;
      filled = 1;
      lookahead = -1;
    }
    filled += in.readNBytes(sealed, filled, sealed.length - filled);
    // The chunk is the last one exactly when nothing follows it; the flag in its nonce must agree.
    boolean finalChunk;
    if (filled < sealed.length) {
      finalChunk = true;
    } else {
      lookahead = in.read();
      finalChunk = lookahead < 0;
    }
    plain =
        gcm.decrypt(key, Nonce.forChunk(chunkIndex, finalChunk), associatedData, sealed, 0, filled);
    position = 0;
    chunkIndex++;
    finished = finalChunk;
  }
}
