package dev.cleanroom.querypolicy.noise;

import static java.util.Objects.requireNonNull;

import java.security.SecureRandom;

/** The production noise source: bits from {@link SecureRandom}, never from a seed. */
public final class SecureNoiseSource implements NoiseSource {

  private final SecureRandom random;

  private SecureNoiseSource(SecureRandom random) {
    this.random = requireNonNull(random, "random is null");
  }

  /** A source over the platform's default non-blocking {@link SecureRandom}. */
  public static SecureNoiseSource create() {
    return new SecureNoiseSource(new SecureRandom());
  }

  /** A source over a given {@link SecureRandom}, e.g. a DRBG instance chosen by the server. */
  public static SecureNoiseSource using(SecureRandom random) {
    return new SecureNoiseSource(random);
  }

  @Override
  public long nextLong() {
    return random.nextLong();
  }
}
