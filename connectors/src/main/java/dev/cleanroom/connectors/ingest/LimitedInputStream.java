package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Counts bytes read and refuses to read past the upload limit. */
final class LimitedInputStream extends FilterInputStream {
  private final long limit;
  private long count;

  LimitedInputStream(InputStream in, long limit) {
    super(in);
    this.limit = limit;
  }

  long count() {
    return count;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      advance(1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int read = super.read(buffer, offset, length);
    if (read > 0) {
      advance(read);
    }
    return read;
  }

  @Override
  public long skip(long n) throws IOException {
    long skipped = super.skip(n);
    advance(skipped);
    return skipped;
  }

  @Override
  public boolean markSupported() {
    return false;
  }

  private void advance(long bytes) {
    count += bytes;
    if (count > limit) {
      throw new ConnectorException(
          ConnectorErrorCode.UPLOAD_TOO_LARGE,
          "upload is larger than the limit of " + limit + " bytes");
    }
  }
}
