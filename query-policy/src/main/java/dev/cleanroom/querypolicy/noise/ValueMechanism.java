package dev.cleanroom.querypolicy.noise;

import java.math.BigDecimal;

/** Noise for one aggregate column on a data-independent grid: Laplace or Gaussian. */
public interface ValueMechanism {

  /** The name the privacy report shows, e.g. {@code discrete-laplace}. */
  String mechanismName();

  /** The grid every output lies on. */
  BigDecimal granularity();

  /** The noise's scale in output units: Laplace {@code b}, Gaussian {@code σ}. */
  BigDecimal scale();

  /** Half-width of the interval that holds the noise with probability {@code confidence}. */
  BigDecimal halfWidth(double confidence);

  /** The exact value rounded to the grid plus noise, as a multiple of the granularity. */
  BigDecimal release(BigDecimal exact, NoiseSource source);
}
