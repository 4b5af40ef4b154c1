package dev.cleanroom.server.query;

import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * At most {@code cleanroom.query.max-concurrent-per-member} queries run at once per member; the
 * next one is refused with 429 instead of waiting, so one member cannot starve the others.
 */
@ApplicationScoped
public class QueryAdmission {
  private final int maxConcurrent;
  private final ConcurrentMap<Long, Semaphore> running = new ConcurrentHashMap<>();

  @Inject
  public QueryAdmission(
      @ConfigProperty(name = "cleanroom.query.max-concurrent-per-member") int maxConcurrent) {
    if (maxConcurrent < 1) {
      throw new IllegalArgumentException(
          "cleanroom.query.max-concurrent-per-member must be >= 1, was " + maxConcurrent);
    }
    this.maxConcurrent = maxConcurrent;
  }

  /** A slot to close when the query ends, or 429 when the member has none left. */
  public Slot admit(long memberId) {
    Semaphore semaphore = running.computeIfAbsent(memberId, id -> new Semaphore(maxConcurrent));
    if (!semaphore.tryAcquire()) {
      throw new ServerException(
          ServerErrorCode.TOO_MANY_QUERIES,
          "at most " + maxConcurrent + " queries may run at once per member");
    }
    return new Slot(semaphore);
  }

  /** One running query's place; closing it twice releases once. */
  public static final class Slot implements AutoCloseable {
    private final Semaphore semaphore;
    private boolean closed;

    private Slot(Semaphore semaphore) {
      this.semaphore = semaphore;
    }

    @Override
    public synchronized void close() {
      if (!closed) {
        closed = true;
        semaphore.release();
      }
    }
  }
}
