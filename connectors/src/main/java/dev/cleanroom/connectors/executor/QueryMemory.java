package dev.cleanroom.connectors.executor;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.AllocationReservation;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The memory account of one query: an Arrow child allocator of the executor's allocator, limited to
 * the query's budget. Every intermediate array is reserved on it before it is allocated, so the
 * query fails once its total would pass the limit (the message depends only on the limit), and the
 * account shows in the allocator tree while the query runs. Closing it returns the bytes.
 */
final class QueryMemory implements AutoCloseable {
  private static final AtomicLong QUERIES = new AtomicLong();

  private final long limitBytes;
  private final BufferAllocator allocator;
  private final AllocationReservation reservation;

  QueryMemory(BufferAllocator parent, long limitBytes) {
    this.limitBytes = limitBytes;
    this.allocator = parent.newChildAllocator("query-" + QUERIES.incrementAndGet(), 0, limitBytes);
    this.reservation = allocator.newReservation();
  }

  /** Reserves {@code bytes} (heap arrays are charged to the account; no buffer is allocated). */
  synchronized void reserve(long bytes) {
    if (bytes < 0 || !reservation.add(bytes)) {
      throw new ExecutionException(
          ExecutionErrorCode.MEMORY_LIMIT_EXCEEDED,
          "query exceeded its memory limit of " + limitBytes + " bytes");
    }
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

  @Override
  public synchronized void close() {
    reservation.close();
    allocator.close();
  }
}
