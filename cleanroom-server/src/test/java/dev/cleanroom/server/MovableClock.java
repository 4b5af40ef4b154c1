package dev.cleanroom.server;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * The server's clock in tests: the system's, moved ahead by what a test asks, so that an expiry or
 * a grace period can pass without sleeping. A test that moves it puts it back ({@link #reset}).
 */
@Alternative
@Priority(1)
@Singleton
public class MovableClock extends Clock {
  private volatile Duration ahead = Duration.ZERO;

  public void moveAhead(Duration duration) {
    ahead = ahead.plus(duration);
  }

  public void reset() {
    ahead = Duration.ZERO;
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(ahead);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the server's clock stays in UTC");
  }
}
