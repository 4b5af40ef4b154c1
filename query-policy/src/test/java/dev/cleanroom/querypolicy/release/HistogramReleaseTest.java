package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The release of a histogram column: one share, every slice noised, remainder rows included. */
class HistogramReleaseTest {
  private static ReleaseSpec spec(boolean remainder) {
    return new ReleaseSpec(
        List.of(
            new ReleaseColumn("g", ColumnRole.GROUP_KEY, 0, -1, null, null),
            new ReleaseColumn(
                "histogram", ColumnRole.HISTOGRAM, 1, -1, BigDecimal.ZERO, new BigDecimal("100"))),
        1 + QuantileHistogram.BUCKETS,
        new QueryPrivacyParameters(new BigDecimal("1"), 1e-6, 10, 2, remainder));
  }

  private static Object[] exact(String key, long people) {
    Object[] row = new Object[2 + QuantileHistogram.BUCKETS];
    row[0] = key;
    for (int slice = 0; slice < QuantileHistogram.BUCKETS; slice++) {
      row[1 + slice] = 0L;
    }
    row[1 + 16] = people;
    row[1 + QuantileHistogram.BUCKETS] = people;
    return row;
  }

  @Test
  void histogram_costsOneShareAndNoisesEverySlice() {
    Releaser releaser = Releaser.forSpec(spec(false));
    // Release decision and the histogram: two shares (no suppressed-group count asked).
    assertEquals(
        new BigDecimal("1"),
        releaser
            .epsilonShare()
            .multiply(dev.cleanroom.querypolicy.noise.Rational.of(2, 1))
            .toBigDecimal(java.math.MathContext.DECIMAL64));
    ColumnNoise noise = releaser.noiseReport().get(0);
    // Two groups per person, slices of sensitivity 1 each: scale 2 / (1/2) = 4.
    assertEquals(0, new BigDecimal("4").compareTo(noise.scale()));

    SeededNoiseSource source = new SeededNoiseSource(7);
    int noisedEmptySlices = 0;
    for (int run = 0; run < 50; run++) {
      Object[] row = releaser.release(List.<Object[]>of(exact("a", 1_000)), source).rows().get(0);
      long[] counts = assertInstanceOf(NoisyHistogram.class, row[1]).counts();
      assertEquals(QuantileHistogram.BUCKETS, counts.length);
      for (int slice = 0; slice < counts.length; slice++) {
        if (slice != 16 && counts[slice] != 0) {
          noisedEmptySlices++;
        }
      }
    }
    // Empty slices get noise too (at scale 6, most draws are not 0).
    assertTrue(noisedEmptySlices > 50 * 31 / 2, "noised empty slices: " + noisedEmptySlices);
  }

  @Test
  void remainderRow_carriesTheNoisedHistogramOfTheSuppressedGroups() {
    Releaser releaser = Releaser.forSpec(spec(true));
    List<Object[]> small = new ArrayList<>();
    for (int group = 0; group < 40; group++) {
      small.add(exact("g" + group, 3));
    }

    ReleasedResult released = releaser.release(small, new SeededNoiseSource(8));

    assertTrue(released.rows().isEmpty());
    Object[] remainder = released.remainderRow().orElseThrow();
    long[] counts = assertInstanceOf(NoisyHistogram.class, remainder[1]).counts();
    // 40 groups of 3 people in slice 16: 120, give or take the noise.
    assertTrue(Math.abs(counts[16] - 120) < 60, "slice 16: " + counts[16]);
  }
}
