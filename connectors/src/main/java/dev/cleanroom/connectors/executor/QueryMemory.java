package dev.cleanroom.connectors.executor;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Byte accounting of one query: every intermediate array is reserved here before it is allocated,
 * and the query fails once the total would pass the limit. The message depends only on the limit.
 */
final class QueryMemory {
  private final long limitBytes;
  private final AtomicLong reservedBytes = new AtomicLong();

  QueryMemory(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  void reserve(long bytes) {
    long total = reservedBytes.addAndGet(bytes);
    if (total > limitBytes || total < 0) {
      throw new ExecutionException(
          ExecutionErrorCode.MEMORY_LIMIT_EXCEEDED,
          "query exceeded its memory limit of " + limitBytes + " bytes");
    }
  }

  long reservedBytes() {
    return reservedBytes.get();
  }

  long[] longs(int length) {
    reserve(8L * length);
    return new long[length];
  }

  double[] doubles(int length) {
    reserve(8L * length);
    return new double[length];
  }

  int[] ints(int length) {
    reserve(4L * length);
    return new int[length];
  }

  boolean[] booleans(int length) {
    reserve(length);
    return new boolean[length];
  }

  Object[] objects(int length) {
    reserve(8L * length);
    return new Object[length];
  }
}
