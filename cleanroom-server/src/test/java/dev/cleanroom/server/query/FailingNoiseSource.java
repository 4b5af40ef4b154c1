package dev.cleanroom.server.query;

import dev.cleanroom.querypolicy.noise.NoiseSource;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

/**
 * A noise source that always fails, so that a query fails in its release, after it has run on the
 * data. Used only where a test profile enables it ({@link QueryFailureAfterExecutionTest}).
 */
@Alternative
@Singleton
public class FailingNoiseSource implements NoiseSource {
  @Override
  public long nextLong() {
    throw new IllegalStateException("the test's noise source always fails");
  }
}
