package dev.cleanroom.engine;

import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.AllocationReservation;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The memory account of one query, shared by every engine: an Arrow child allocator of the
 * process's allocator, limited to the query's budget. Every intermediate array is reserved on it
 * before it is allocated, so the query fails once its total would pass the limit (the message
 * depends only on the limit), and the account shows in the allocator tree while the query runs.
 * Closing it returns the bytes.
 *
 * <p>It is also where a query notices that it should stop: every reservation first checks whether
 * the query's thread was interrupted, or whether another of its threads already saw that, so a
 * cancelled query stops at its next allocation on any of its threads.
 */
public final class QueryMemory implements AutoCloseable {
  private static final AtomicLong QUERIES = new AtomicLong();

  private final long limitBytes;
  private final BufferAllocator allocator;
  private final AllocationReservation reservation;

  private volatile boolean stopped;

  // The bytes charged, exactly as asked; guarded by this.
  private long charged;

  /** An account of at most {@code limitBytes} on a child of {@code parent}. */
  public QueryMemory(BufferAllocator parent, long limitBytes) {
    this.limitBytes = limitBytes;
    this.allocator = parent.newChildAllocator("query-" + QUERIES.incrementAndGet(), 0, limitBytes);
    this.reservation = allocator.newReservation();
  }

  /**
   * Reserves {@code bytes} (heap arrays are charged to the account; no buffer is allocated).
   *
   * @throws ExecutionException {@link ExecutionErrorCode#MEMORY_LIMIT_EXCEEDED} past the limit,
   *     {@link ExecutionErrorCode#INTERRUPTED} once the query should stop
   */
  public void reserve(long bytes) {
    checkRunning();
    charge(bytes);
  }

  /**
   * Fails with {@link ExecutionErrorCode#INTERRUPTED} when the calling thread was interrupted, or
   * another thread of the query was (which then stops every thread of it at its next reservation).
   */
  private void checkRunning() {
    if (stopped || Thread.currentThread().isInterrupted()) {
      stopped = true;
      throw new ExecutionException(ExecutionErrorCode.INTERRUPTED, "the query was interrupted");
    }
  }

  private synchronized void charge(long bytes) {
    if (bytes < 0 || !reservation.add(bytes)) {
      throw new ExecutionException(
          ExecutionErrorCode.MEMORY_LIMIT_EXCEEDED,
          "query exceeded its memory limit of " + limitBytes + " bytes");
    }
    charged += bytes;
  }

  /** A new array of {@code length} elements, charged to the account first. */
  public long[] longs(int length) {
    reserve(8L * length);
    return new long[length];
  }

  /** A new array of {@code length} elements, charged to the account first. */
  public double[] doubles(int length) {
    reserve(8L * length);
    return new double[length];
  }

  /** A new array of {@code length} elements, charged to the account first. */
  public int[] ints(int length) {
    reserve(4L * length);
    return new int[length];
  }

  /** A new array of {@code length} elements, charged to the account first. */
  public byte[] bytes(int length) {
    reserve(length);
    return new byte[length];
  }

  /** A new array of {@code length} elements, charged to the account first. */
  public boolean[] booleans(int length) {
    reserve(length);
    return new boolean[length];
  }

  /** A new array of {@code length} elements, charged to the account first. */
  public Object[] objects(int length) {
    reserve(8L * length);
    return new Object[length];
  }

  /**
   * The bytes charged to the account so far: the query's work in arrays, which the side-channel
   * tests compare between a world with a person and one without.
   */
  public synchronized long chargedBytes() {
    return charged;
  }

  @Override
  public synchronized void close() {
    reservation.close();
    allocator.close();
  }
}
