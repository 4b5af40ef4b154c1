package dev.cleanroom.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Races for tests: tasks on a thread each, released together so that they contend. */
public final class Concurrently {
  private static final long TIMEOUT_SECONDS = 60;

  private Concurrently() {}

  /**
   * Runs every task at once, released by one latch, and returns their results in task order.
   *
   * @throws ExecutionException with the first task's failure
   * @throws TimeoutException when a task takes more than a minute (a deadlock, say)
   */
  public static <T> List<T> run(List<? extends Callable<T>> tasks)
      throws InterruptedException, ExecutionException, TimeoutException {
    ExecutorService pool = Executors.newFixedThreadPool(tasks.size());
    try {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<T>> futures = new ArrayList<>();
      for (Callable<T> task : tasks) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return task.call();
                }));
      }
      start.countDown();
      List<T> results = new ArrayList<>();
      for (Future<T> future : futures) {
        results.add(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
