package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import dev.cleanroom.querypolicy.release.DerivedExpression.Interval;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** Every shown cell's 95% interval, from real releases. */
class CellIntervalsTest {

  // Exact row layout: [campaign, sum_cost, count_rows, distinct_units]
  private static final ReleaseSpec SPEC =
      new ReleaseSpec(
          List.of(
              new ReleaseColumn("campaign_id", ColumnRole.GROUP_KEY, 0, -1, null, null),
              new ReleaseColumn(
                  "reach", ColumnRole.DISTINCT_UNITS, 3, -1, BigDecimal.ZERO, BigDecimal.ONE),
              new ReleaseColumn("rows", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE),
              new ReleaseColumn(
                  "spend", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, new BigDecimal("100")),
              new ReleaseColumn(
                  "avg_cost",
                  ColumnRole.AVG,
                  1,
                  2,
                  BigDecimal.ZERO,
                  new BigDecimal("100"),
                  BigDecimal.ONE)),
          3,
          new QueryPrivacyParameters(BigDecimal.ONE, 1e-6, 50, 1, true));

  private static List<Object[]> exactRows() {
    List<Object[]> rows = new ArrayList<>();
    rows.add(new Object[] {"big", new BigDecimal("30000"), 1000L, 1000L});
    rows.add(new Object[] {"near", new BigDecimal("4000"), 170L, 170L});
    rows.add(new Object[] {"small", new BigDecimal("100"), 10L, 10L});
    rows.add(new Object[] {"small2", new BigDecimal("900"), 60L, 60L});
    return rows;
  }

  private static boolean holds(Interval interval, double value) {
    return interval.low().doubleValue() <= value && value <= interval.high().doubleValue();
  }

  @Test
  void everyCell_hasItsInterval_groupKeysNone() {
    Releaser releaser = Releaser.forSpec(SPEC);
    ReleasedResult released = releaser.release(exactRows(), new SeededNoiseSource(3));
    PostProcessing identity = PostProcessing.identity(SPEC);
    List<PostProcessing.ShownRow> shown =
        identity.arrange(released, List.of(), OptionalInt.empty());
    List<Interval[]> cells = CellIntervals.of(SPEC, released.noise()).cells(identity, shown);
    assertEquals(shown.size(), cells.size());
    PostProcessing.ShownRow big = shown.get(0);
    assertEquals("big", big.values()[0]);
    Interval[] row = cells.get(0);
    assertNull(row[0]);
    long reach = (Long) big.values()[1];
    BigDecimal reachWidth = released.noise().get(0).ci95HalfWidth();
    // Far above the threshold: the released value plus or minus the half-width.
    assertEquals(0, BigDecimal.valueOf(reach).subtract(reachWidth).compareTo(row[1].low()));
    assertEquals(0, BigDecimal.valueOf(reach).add(reachWidth).compareTo(row[1].high()));
    BigDecimal rowsWidth = released.noise().get(1).ci95HalfWidth();
    assertEquals(
        0, BigDecimal.valueOf((Long) big.values()[2]).add(rowsWidth).compareTo(row[2].high()));
    assertTrue(holds(row[3], 30000), "spend " + row[3]);
    assertTrue(holds(row[4], 30), "avg " + row[4]);
    assertTrue(row[4].low().signum() >= 0 && row[4].high().compareTo(new BigDecimal("100")) <= 0);
    // The remainder row: people not conditioned on a threshold and not raised to k.
    PostProcessing.ShownRow last = shown.get(shown.size() - 1);
    if (last.remainder()) {
      Interval people = cells.get(cells.size() - 1)[1];
      long value = (Long) last.values()[1];
      assertEquals(0, BigDecimal.valueOf(value).add(reachWidth).compareTo(people.high()));
    }
  }

  @Test
  void overManyReleases_eachColumnHoldsTheExactValueAsOftenAsItPromises() {
    Releaser releaser = Releaser.forSpec(SPEC);
    PostProcessing identity = PostProcessing.identity(SPEC);
    int nearReleased = 0;
    int nearReachHeld = 0;
    int bigAverageHeld = 0;
    int bigSpendHeld = 0;
    int runs = 1500;
    for (int seed = 0; seed < runs; seed++) {
      ReleasedResult released = releaser.release(exactRows(), new SeededNoiseSource(seed));
      List<PostProcessing.ShownRow> shown =
          identity.arrange(released, List.of(), OptionalInt.empty());
      List<Interval[]> cells = CellIntervals.of(SPEC, released.noise()).cells(identity, shown);
      for (int i = 0; i < shown.size(); i++) {
        Object key = shown.get(i).values()[0];
        if ("near".equals(key)) {
          nearReleased++;
          nearReachHeld += holds(cells.get(i)[1], 170) ? 1 : 0;
        } else if ("big".equals(key)) {
          bigAverageHeld += holds(cells.get(i)[4], 30) ? 1 : 0;
          bigSpendHeld += holds(cells.get(i)[3], 30000) ? 1 : 0;
        }
      }
    }
    // A group of 170 under a threshold near 103 + noise: conditioned on its release, 95%.
    assertTrue(nearReleased > 500, "released " + nearReleased);
    assertTrue(nearReachHeld >= 0.93 * nearReleased, nearReachHeld + " of " + nearReleased);
    assertTrue(bigSpendHeld >= 0.93 * runs, "spend " + bigSpendHeld);
    // Interval arithmetic over two parts: at least 90%.
    assertTrue(bigAverageHeld >= 0.9 * runs, "average " + bigAverageHeld);
  }
}
