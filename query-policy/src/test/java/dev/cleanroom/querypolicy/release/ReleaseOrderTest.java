package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The order of released rows depends on released values only, never on the engine's order. */
class ReleaseOrderTest {

  // Exact row layout: [band, count_rows, distinct_units]
  private static final ReleaseColumn BAND =
      new ReleaseColumn("band", ColumnRole.GROUP_KEY, 0, -1, null, null);
  private static final ReleaseColumn ROWS =
      new ReleaseColumn("rows", ColumnRole.COUNT, 1, -1, BigDecimal.ZERO, BigDecimal.ONE);
  private static final ReleaseColumn REACH =
      new ReleaseColumn("reach", ColumnRole.DISTINCT_UNITS, 2, -1, BigDecimal.ZERO, BigDecimal.ONE);

  private static ReleaseSpec spec(boolean remainder) {
    // Output: [reach, band, rows]; the group key is not the first output column.
    return new ReleaseSpec(
        List.of(REACH, BAND, ROWS),
        2,
        new QueryPrivacyParameters(new BigDecimal("30"), 1e-6, 50, 1, remainder));
  }

  /** Large groups in the order a file could list them, and one group too small to release. */
  private static List<Object[]> exactRows() {
    return List.of(
        new Object[] {"45-54", 900L, 900L},
        new Object[] {"18-24", 700L, 700L},
        new Object[] {null, 600L, 600L},
        new Object[] {"tiny", 3L, 3L},
        new Object[] {"Z", 800L, 800L},
        new Object[] {"25-34", 1000L, 1000L});
  }

  private static List<Object[]> reversed(List<Object[]> rows) {
    List<Object[]> copy = new ArrayList<>(rows);
    Collections.reverse(copy);
    return copy;
  }

  private static List<Object> column(List<Object[]> rows, int field) {
    return rows.stream().map(row -> row[field]).toList();
  }

  @Test
  void exactRowsInOppositeOrders_identicalReleasedRowsInCanonicalOrder() {
    ReleasedResult forward = Releaser.release(spec(false), exactRows(), new SeededNoiseSource(5));
    ReleasedResult backward =
        Releaser.release(spec(false), reversed(exactRows()), new SeededNoiseSource(5));

    // NULL first, then strings by code point: digits before upper case.
    assertEquals(Arrays.asList(null, "18-24", "25-34", "45-54", "Z"), column(forward.rows(), 1));
    // Same seed, same exact rows in another order: the noise lands on the same groups, so the
    // whole answer is the same, values included.
    assertEquals(forward.rows().size(), backward.rows().size());
    for (int i = 0; i < forward.rows().size(); i++) {
      assertArrayEquals(forward.rows().get(i), backward.rows().get(i), "row " + i);
    }
    assertEquals(forward.suppressedGroups(), backward.suppressedGroups());
  }

  @Test
  void orderByWithTies_tiesKeepTheCanonicalOrderInBothDirections() {
    ReleasedResult released =
        result(
            List.of(
                new Object[] {5L, "a", 1L},
                new Object[] {7L, "b", 1L},
                new Object[] {5L, "c", 1L},
                new Object[] {7L, "d", 1L}),
            Optional.empty());

    List<Object[]> descending =
        ReleaseOrder.arrange(released, List.of(new OrderKey(0, true)), OptionalInt.empty());
    assertEquals(List.of("b", "d", "a", "c"), column(descending, 1));
    List<Object[]> ascending =
        ReleaseOrder.arrange(released, List.of(new OrderKey(0, false)), OptionalInt.empty());
    assertEquals(List.of("a", "c", "b", "d"), column(ascending, 1));
    // A key on which every row ties leaves the canonical order as it is.
    List<Object[]> allTied =
        ReleaseOrder.arrange(released, List.of(new OrderKey(2, true)), OptionalInt.of(3));
    assertEquals(List.of("a", "b", "c"), column(allTied, 1));
  }

  @Test
  void limitWithoutOrderBy_keepsTheCanonicalFirstRowsAndTheRemainderLast() {
    List<Object[]> exact = new ArrayList<>(exactRows());
    exact.add(new Object[] {"tiny2", 3L, 3L});
    // Make the suppressed groups large enough together for a remainder row.
    exact.add(new Object[] {"small", 40L, 40L});
    exact.add(new Object[] {"small2", 45L, 45L});
    exact.add(new Object[] {"small3", 45L, 45L});
    ReleasedResult forward = Releaser.release(spec(true), exact, new SeededNoiseSource(11));
    ReleasedResult backward =
        Releaser.release(spec(true), reversed(exact), new SeededNoiseSource(12));
    assertTrue(forward.remainderRow().isPresent() && backward.remainderRow().isPresent());

    for (ReleasedResult released : List.of(forward, backward)) {
      List<Object[]> shown = ReleaseOrder.arrange(released, List.of(), OptionalInt.of(2));
      // The first two groups of the canonical order, then the remainder (not counted by LIMIT).
      assertEquals(Arrays.asList(null, "18-24", null), column(shown, 1));
      assertEquals(released.remainderRow().get(), shown.get(2));
    }
  }

  @Test
  void orderByDescendingWithRemainder_remainderStaysLast() {
    Object[] remainder = {10_000L, null, 1L};
    ReleasedResult released =
        result(
            List.of(new Object[] {5L, "a", 1L}, new Object[] {7L, "b", 1L}),
            Optional.of(remainder));
    List<Object[]> shown =
        ReleaseOrder.arrange(released, List.of(new OrderKey(0, true)), OptionalInt.of(1));
    assertEquals(2, shown.size());
    assertEquals("b", shown.get(0)[1]);
    assertEquals(remainder, shown.get(1));
  }

  @Test
  void orderBy_nullsLastAscendingAndFirstDescending() {
    ReleasedResult released =
        result(List.of(new Object[] {1L, null, 1L}, new Object[] {1L, "a", 1L}), Optional.empty());
    assertEquals(
        Arrays.asList("a", null),
        column(
            ReleaseOrder.arrange(released, List.of(new OrderKey(1, false)), OptionalInt.empty()),
            1));
    assertEquals(
        Arrays.asList(null, "a"),
        column(
            ReleaseOrder.arrange(released, List.of(new OrderKey(1, true)), OptionalInt.empty()),
            1));
  }

  @Test
  void values_oneTotalOrderAcrossTypes() {
    List<Object> values =
        new ArrayList<>(
            Arrays.asList(
                "\uD83D\uDE00", // U+1F600: after U+FB01 by code point, before it in UTF-16
                "\uFB01",
                "b",
                "B",
                Double.NaN,
                Double.POSITIVE_INFINITY,
                2L,
                new BigDecimal("1.50"),
                new BigDecimal("1.5"),
                1.25,
                0.0,
                -0.0,
                -3,
                Double.NEGATIVE_INFINITY,
                true,
                false,
                null));
    Collections.shuffle(values, new java.util.Random(1));
    values.sort(ReleaseOrder::compareValues);

    assertEquals(
        Arrays.asList(
            null,
            false,
            true,
            Double.NEGATIVE_INFINITY,
            -3,
            -0.0,
            0.0,
            1.25,
            new BigDecimal("1.5"),
            new BigDecimal("1.50"),
            2L,
            Double.POSITIVE_INFINITY,
            Double.NaN,
            "B",
            "b",
            "\uFB01",
            "\uD83D\uDE00"),
        values);
  }

  @Test
  void numbersOfDifferentTypes_compareByValue() {
    assertTrue(ReleaseOrder.compareValues(2L, 1.5) > 0);
    assertTrue(ReleaseOrder.compareValues(1.5, new BigDecimal("1.25")) > 0);
    assertTrue(ReleaseOrder.compareValues(Integer.valueOf(3), Long.valueOf(4)) < 0);
    assertTrue(ReleaseOrder.compareValues(Long.MAX_VALUE, (double) Long.MAX_VALUE) < 0);
    // Equal values of different types are told apart, and antisymmetrically.
    int oneWay = ReleaseOrder.compareValues(1L, 1.0);
    assertTrue(
        oneWay != 0
            && Integer.signum(oneWay) == -Integer.signum(ReleaseOrder.compareValues(1.0, 1L)));
  }

  private static ReleasedResult result(List<Object[]> rows, Optional<Object[]> remainder) {
    return new ReleasedResult(
        rows,
        remainder,
        java.util.OptionalLong.empty(),
        List.of(),
        BigDecimal.ONE,
        1e-6,
        60,
        List.of(),
        ReleaseRule.Threshold.PLAIN,
        dev.cleanroom.querypolicy.release.ReleaseAccounting.laplace(
            "laplace", java.math.BigDecimal.ONE, 1e-6));
  }
}
