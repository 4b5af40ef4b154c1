package dev.cleanroom.connectors.ingest;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Batches filled on a thread of its own while the caller's thread checks and stores the one before:
 * decoding a file (Parquet's decompression and decoding) runs beside the encryption and the writes
 * of the stored version. Two batches are in flight, each with room for {@code batchRows} rows, so
 * memory stays bounded by two batches. A failure of the filling thread is thrown by {@link #next()}
 * in the caller's thread, as it was thrown; closing stops the filling thread and frees both
 * batches.
 */
final class BatchPipeline implements AutoCloseable {
  /** Fills one batch (its vectors cleared and allocated); false at the end of the input. */
  @FunctionalInterface
  interface Filler {
    boolean fill(VectorSchemaRoot batch) throws IOException;
  }

  private static final Object END = new Object();

  private final VectorSchemaRoot[] batches = new VectorSchemaRoot[2];
  private final BlockingQueue<VectorSchemaRoot> free = new ArrayBlockingQueue<>(2);
  private final BlockingQueue<Object> filled = new ArrayBlockingQueue<>(3);
  private final Thread thread;
  private VectorSchemaRoot current;
  private boolean ended;

  BatchPipeline(Schema schema, BufferAllocator allocator, int batchRows, Filler filler) {
    try {
      for (int i = 0; i < batches.length; i++) {
        batches[i] = VectorSchemaRoot.create(schema, allocator);
        // Room for a whole batch from the start: fixed-width values are set without a check.
        for (FieldVector vector : batches[i].getFieldVectors()) {
          vector.setInitialCapacity(batchRows);
        }
        free.add(batches[i]);
      }
    } catch (RuntimeException e) {
      closeBatches();
      throw e;
    }
    thread = new Thread(() -> run(filler), "cleanroom-upload-decoder");
    thread.setDaemon(true);
    thread.start();
  }

  private void run(Filler filler) {
    try {
      while (true) {
        VectorSchemaRoot batch = free.take();
        batch.clear();
        batch.allocateNew();
        if (!filler.fill(batch)) {
          filled.put(END);
          return;
        }
        filled.put(batch);
      }
    } catch (InterruptedException e) {
      // Closed: the caller no longer reads.
    } catch (IOException | RuntimeException | Error e) {
      // Room for it whatever is queued: at most two batches are ever in the queue.
      filled.add(e);
    }
  }

  /**
   * The next filled batch, the caller's until the next call; null at the end.
   *
   * @throws IOException or the unchecked exception the filling thread failed with
   */
  VectorSchemaRoot next() throws IOException {
    if (ended) {
      return null;
    }
    if (current != null) {
      free.add(current);
      current = null;
    }
    Object next;
    try {
      next = filled.take();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the upload was decoded");
    }
    if (next == END) {
      ended = true;
      return null;
    }
    if (next instanceof IOException e) {
      ended = true;
      throw e;
    }
    if (next instanceof RuntimeException e) {
      ended = true;
      throw e;
    }
    if (next instanceof Error e) {
      ended = true;
      throw e;
    }
    current = (VectorSchemaRoot) next;
    return current;
  }

  @Override
  public void close() {
    thread.interrupt();
    boolean interrupted = false;
    while (thread.isAlive()) {
      try {
        thread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    closeBatches();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void closeBatches() {
    for (VectorSchemaRoot batch : batches) {
      if (batch != null) {
        batch.close();
      }
    }
  }
}
