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
    return new Slot(new Place(semaphore));
  }

  /**
   * A hold on one running query's place. The place frees when every hold on it is closed: the
   * request's, and the query thread's ({@link #share()}), which outlives the request when the
   * request stops waiting for it. Closing a hold twice lets go once.
   */
  public static final class Slot implements AutoCloseable {
    private final Place place;
    private boolean closed;

    private Slot(Place place) {
      this.place = place;
    }

    /** A second hold on the same place, for work that may go on after this hold is closed. */
    public synchronized Slot share() {
      if (closed) {
        throw new IllegalStateException("a closed slot cannot be shared");
      }
      place.hold();
      return new Slot(place);
    }

    @Override
    public void close() {
      synchronized (this) {
        if (closed) {
          return;
        }
        closed = true;
      }
      place.letGo();
    }
  }

  /** One member's permit taken by one query, given back when its last hold lets go. */
  private static final class Place {
    private final Semaphore semaphore;
    private int holds = 1;

    Place(Semaphore semaphore) {
      this.semaphore = semaphore;
    }

    synchronized void hold() {
      holds++;
    }

    synchronized void letGo() {
      holds--;
      if (holds == 0) {
        semaphore.release();
      }
    }
  }
}
