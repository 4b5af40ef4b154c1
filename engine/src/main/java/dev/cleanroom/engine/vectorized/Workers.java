package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.engine.ExecutionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/** The executor's worker threads; a parallel step runs task 0 on the caller and the rest here. */
final class Workers implements AutoCloseable {
  private final ExecutorService pool;

  Workers(int threads) {
    this.pool =
        Executors.newFixedThreadPool(
            Math.max(1, threads),
            runnable -> {
              Thread thread = new Thread(runnable, "cleanroom-executor");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Runs {@code task} for 0 .. tasks-1 and waits for all; a task's failure is rethrown. */
  void run(int tasks, IntConsumer task) {
    if (tasks == 1) {
      task.accept(0);
      return;
    }
    List<Future<?>> futures = new ArrayList<>(tasks - 1);
    for (int t = 1; t < tasks; t++) {
      int index = t;
      futures.add(pool.submit(() -> task.accept(index)));
    }
    RuntimeException failure = null;
    try {
      task.accept(0);
    } catch (RuntimeException e) {
      failure = e;
    }
    for (Future<?> future : futures) {
      if (failure != null) {
        // The step failed or was interrupted: the other tasks' results are not needed.
        future.cancel(true);
        continue;
      }
      try {
        future.get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        failure =
            failure != null
                ? failure
                : new ExecutionException(
                    ExecutionErrorCode.INTERRUPTED, "query execution was interrupted", e);
      } catch (java.util.concurrent.ExecutionException e) {
        Throwable cause = e.getCause();
        if (failure == null) {
          failure =
              cause instanceof RuntimeException runtime
                  ? runtime
                  : new ExecutionException(
                      ExecutionErrorCode.INTERNAL_ERROR, "a worker thread failed", cause);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The start of part {@code part} when {@code count} items are split into {@code parts}. */
  static int split(int count, int parts, int part) {
    return (int) ((long) count * part / parts);
  }

  /**
   * Stops the workers and waits until they have: a query's work is over only when no thread of it
   * runs any more (the caller's slot is held until then). Waiting goes on through an interrupt,
   * which is passed on afterwards.
   */
  @Override
  public void close() {
    pool.shutdownNow();
    boolean interrupted = false;
    while (true) {
      try {
        if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
          break;
        }
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
