package dev.cleanroom.server;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The server's clock, injected rather than read from the system where it is used, so that a test
 * can put a budget's refresh period where it needs it.
 */
public class ClockProducer {
  /** UTC: budget refresh periods are days and months in UTC. */
  @Produces
  @Singleton
  Clock clock() {
    return Clock.systemUTC();
  }
}
