package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.NoisyLimit;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Runs a query's work on a thread of its own within the query's time and memory limits, in two
 * phases: the load phase leases the versions the query reads, then the execution phase computes the
 * plan's rows over them. A failure of the load phase is reported as a {@link LoadPhaseFailure}.
 * Running out of time is reported alike in both phases: how long loading takes depends on the data
 * too.
 *
 * <p>The query thread holds the leases and a share of its member's admission slot until its work
 * ends. A query given up at its time limit is answered at once, yet keeps its member's slot until
 * the engine has really stopped, so a member cannot pile up abandoned work.
 */
@ApplicationScoped
public class QueryRunner {
  private static final Logger LOG = Logger.getLogger(QueryRunner.class);

  /** The load phase: leases the versions the query reads. */
  @FunctionalInterface
  interface Load {
    LeasedTables load();
  }

  /** The execution phase: the plan's exact rows over the leased tables, within the limits. */
  @FunctionalInterface
  interface Execution {
    List<Object[]> execute(LeasedTables tables, ExecutionLimits limits);
  }

  private final NoisyLimit timeoutMillis;
  private final NoisyLimit memoryBytes;
  private final int parallelism;
  private final NoiseSource noise;
  private final ExecutorService threads;

  @Inject
  QueryRunner(
      @ConfigProperty(name = "cleanroom.query.timeout") Duration timeout,
      @ConfigProperty(name = "cleanroom.query.max-memory-bytes") long maxMemoryBytes,
      @ConfigProperty(name = "cleanroom.query.parallelism") int parallelism,
      NoiseSource noise) {
    // Each query gets its own limits, drawn below the configured ones (see NoisyLimit).
    this(
        NoisyLimit.around(timeout.toMillis()),
        NoisyLimit.around(maxMemoryBytes),
        parallelism,
        noise);
  }

  QueryRunner(
      NoisyLimit timeoutMillis, NoisyLimit memoryBytes, int parallelism, NoiseSource noise) {
    this.timeoutMillis = requireNonNull(timeoutMillis, "timeoutMillis is null");
    this.memoryBytes = requireNonNull(memoryBytes, "memoryBytes is null");
    this.parallelism = parallelism;
    this.noise = requireNonNull(noise, "noise is null");
    this.threads =
        Executors.newCachedThreadPool(
            task -> {
              Thread thread = new Thread(task, "cleanroom-query");
              thread.setDaemon(true);
              return thread;
            });
  }

  @PreDestroy
  void stop() {
    threads.shutdownNow();
  }

  /**
   * Loads, then executes, on a query thread that shares {@code slot} until its work ends.
   *
   * @param slot the request's hold on its member's admission slot
   * @return the plan's exact rows
   * @throws LoadPhaseFailure when the load phase failed before the time limit
   * @throws ServerException {@code QUERY_FAILED} when the time limit passed first, or the waiting
   *     thread was interrupted; the query thread is interrupted then
   */
  List<Object[]> run(String queryId, QueryAdmission.Slot slot, Load load, Execution execution) {
    ExecutionLimits limits = new ExecutionLimits(memoryBytes.draw(noise), parallelism);
    long timeout = timeoutMillis.draw(noise);
    Work work = new Work(slot.share(), load, execution, limits);
    Future<List<Object[]>> running = submit(work);
    try {
      return running.get(timeout, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      giveUp(running, work);
      LOG.warnf("event=query_timeout queryId=%s timeoutMillis=%d", queryId, timeout);
      throw new ServerException(
          ServerErrorCode.QUERY_FAILED, "the query did not finish within its time limit");
    } catch (InterruptedException e) {
      giveUp(running, work);
      Thread.currentThread().interrupt();
      throw new ServerException(ServerErrorCode.QUERY_FAILED, "the query was cancelled");
    } catch (ExecutionException e) {
      throw asThrown(e.getCause());
    }
  }

  private Future<List<Object[]>> submit(Work work) {
    try {
      return threads.submit(work);
    } catch (RejectedExecutionException e) {
      work.abandon();
      throw e;
    }
  }

  /** Interrupts the work if it runs, and lets go of its slot if it never started. */
  private static void giveUp(Future<List<Object[]>> running, Work work) {
    running.cancel(true);
    work.abandon();
  }

  /** The query thread's failure as the caller sees it; an {@link Error} is an execution failure. */
  private static RuntimeException asThrown(Throwable failure) {
    if (failure instanceof RuntimeException runtime) {
      return runtime;
    }
    return new PolicyException(
        PolicyErrorCode.EXECUTION_FAILED, "the query could not be executed", failure);
  }

  /**
   * One query's work on its thread. It owns a share of the admission slot from its submission on:
   * the thread lets go of it when the work ends, or the runner does when it gives up on work that
   * never started. Whichever claims the work first decides which.
   */
  private static final class Work implements Callable<List<Object[]>> {
    private final QueryAdmission.Slot slot;
    private final Load load;
    private final Execution execution;
    private final ExecutionLimits limits;
    private final AtomicBoolean claimed = new AtomicBoolean();

    Work(QueryAdmission.Slot slot, Load load, Execution execution, ExecutionLimits limits) {
      this.slot = slot;
      this.load = requireNonNull(load, "load is null");
      this.execution = requireNonNull(execution, "execution is null");
      this.limits = limits;
    }

    @Override
    public List<Object[]> call() {
      if (!claimed.compareAndSet(false, true)) {
        // Given up before it started; the runner has let go of the slot.
        return List.of();
      }
      try {
        try (LeasedTables tables = loadPhase(load)) {
          return execution.execute(tables, limits);
        }
      } finally {
        slot.close();
      }
    }

    /** Lets go of the slot unless the thread has started the work. */
    void abandon() {
      if (claimed.compareAndSet(false, true)) {
        slot.close();
      }
    }
  }

  /**
   * The load phase. What the store reports about the stored bytes (unreadable, tampered with, a key
   * that does not unwrap) is a load failure: it says nothing about the rows. Anything else stays an
   * ordinary, charged failure: running out of the process's Arrow memory while a version is
   * decrypted depends on how large the versions are, which one row can tip, and an {@link Error} is
   * the JVM's trouble, not the load's.
   */
  static LeasedTables loadPhase(Load load) {
    try {
      return load.load();
    } catch (ConnectorException e) {
      if (causedByMemory(e)) {
        throw e;
      }
      throw new LoadPhaseFailure(e);
    }
  }

  private static boolean causedByMemory(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof org.apache.arrow.memory.OutOfMemoryException
          || cause instanceof OutOfMemoryError) {
        return true;
      }
    }
    return false;
  }
}
