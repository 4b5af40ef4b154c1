package dev.cleanroom.server.dataset;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.noise.DiscreteLaplace;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.Rational;
import dev.cleanroom.querypolicy.noise.SecureNoiseSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Decides once, when a data version is stored, whether it is large enough for the scale-out engine
 * under {@code cleanroom.query.engine=auto}: {@code rows + X >= T}, with {@code X} discrete Laplace
 * of scale {@code T/64} and {@code T} = {@code cleanroom.query.spark-threshold-rows}.
 *
 * <p>Why noisy: the engine an answer names, and how long it takes, are outputs an analyst sees.
 * With an exact threshold, an analyst could learn from the engine whether one more row of another
 * party was stored. A row changes the mark's probability by at most a factor {@code exp(64 / T)}
 * (about {@code exp(0.0000064)} at the default ten million), a person with {@code r} rows by {@code
 * exp(64 r / T)}. The mark is drawn once per version and kept, so asking again reveals nothing new,
 * and it is never computed from the sum of several parties' sizes, which the analyst's own table
 * would let it probe.
 */
@ApplicationScoped
public class ScaleOutMarks {
  private final long thresholdRows;
  private final DiscreteLaplace spread;
  private final NoiseSource noise;

  /** Marks drawn from secure noise of their own, apart from the noise of answers. */
  @Inject
  public ScaleOutMarks(
      @ConfigProperty(name = "cleanroom.query.spark-threshold-rows") long thresholdRows) {
    this(thresholdRows, SecureNoiseSource.create());
  }

  ScaleOutMarks(long thresholdRows, NoiseSource noise) {
    if (thresholdRows < 64) {
      throw new IllegalArgumentException(
          "cleanroom.query.spark-threshold-rows must be at least 64, was " + thresholdRows);
    }
    this.thresholdRows = thresholdRows;
    this.spread = DiscreteLaplace.builder().scale(Rational.of(thresholdRows, 64)).build();
    this.noise = requireNonNull(noise, "noise is null");
  }

  /** Whether a version of {@code rows} rows runs on the scale-out engine under {@code auto}. */
  public boolean mark(long rows) {
    if (rows < 0) {
      throw new IllegalArgumentException("rows must be >= 0, was " + rows);
    }
    return rows + spread.sample(noise) >= thresholdRows;
  }

  /** The configured threshold {@code T}. */
  public long thresholdRows() {
    return thresholdRows;
  }
}
