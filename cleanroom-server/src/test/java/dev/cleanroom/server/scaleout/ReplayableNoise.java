package dev.cleanroom.server.scaleout;

import dev.cleanroom.querypolicy.noise.NoiseSource;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import java.util.SplittableRandom;

/**
 * Test-only noise that can be replayed: after {@link #replay(long)} it draws the same bits again,
 * so two runs of a query over the same exact rows release the same answer, and over different exact
 * rows (almost surely) a different one. Used only where a test profile enables it ({@link
 * SparkDemoQuestionsTest}); production noise is always {@code SecureNoiseSource}.
 */
@Alternative
@Singleton
public class ReplayableNoise implements NoiseSource {
  private SplittableRandom random = new SplittableRandom(1);

  /** Draws from the start of the sequence of {@code seed} again. */
  public synchronized void replay(long seed) {
    random = new SplittableRandom(seed);
  }

  @Override
  public synchronized long nextLong() {
    return random.nextLong();
  }
}
