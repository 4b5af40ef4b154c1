package dev.cleanroom.client.upload;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reports every byte read to the progress, as the HTTP client pulls the body. */
final class CountingInputStream extends FilterInputStream {
  private final Progress progress;

  CountingInputStream(InputStream in, Progress progress) {
    super(in);
    this.progress = progress;
  }

  @Override
  public int read() throws IOException {
    int value = super.read();
    if (value >= 0) {
      progress.advance(1);
    }
    return value;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int count = super.read(buffer, offset, length);
    if (count > 0) {
      progress.advance(count);
    }
    return count;
  }
}
