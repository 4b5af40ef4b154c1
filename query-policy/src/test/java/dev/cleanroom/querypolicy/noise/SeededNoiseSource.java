package dev.cleanroom.querypolicy.noise;

import java.util.SplittableRandom;

/** A reproducible noise source for tests only; production code never sees a seed. */
public final class SeededNoiseSource implements NoiseSource {

  private final SplittableRandom random;

  public SeededNoiseSource(long seed) {
    this.random = new SplittableRandom(seed);
  }

  @Override
  public long nextLong() {
    return random.nextLong();
  }
}
