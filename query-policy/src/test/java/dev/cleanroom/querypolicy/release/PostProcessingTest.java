package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.release.DerivedExpression.Arithmetic;
import dev.cleanroom.querypolicy.release.DerivedExpression.Cast;
import dev.cleanroom.querypolicy.release.DerivedExpression.Compare;
import dev.cleanroom.querypolicy.release.DerivedExpression.Comparison;
import dev.cleanroom.querypolicy.release.DerivedExpression.Constant;
import dev.cleanroom.querypolicy.release.DerivedExpression.Interval;
import dev.cleanroom.querypolicy.release.DerivedExpression.Operator;
import dev.cleanroom.querypolicy.release.DerivedExpression.Part;
import dev.cleanroom.querypolicy.release.DerivedExpression.Round;
import dev.cleanroom.querypolicy.release.DerivedExpression.Type;
import dev.cleanroom.querypolicy.release.PostProcessing.OutputColumn;
import dev.cleanroom.querypolicy.release.PostProcessing.ShownRow;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * Derived outputs, HAVING and ORDER BY computed from given released values, and their intervals.
 */
class PostProcessingTest {
  // Released parts: [campaign, spend (noised sum), impressions (noised count), reach].
  private static final List<ReleaseColumn> PARTS =
      List.of(
          new ReleaseColumn("campaign_id", ColumnRole.GROUP_KEY, 0, -1, null, null),
          new ReleaseColumn("spend", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, new BigDecimal("100")),
          new ReleaseColumn(
              "impressions", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE),
          new ReleaseColumn(
              "reach", ColumnRole.DISTINCT_UNITS, 3, -1, BigDecimal.ZERO, BigDecimal.ONE));
  private static final ReleaseSpec SPEC =
      new ReleaseSpec(PARTS, 3, new QueryPrivacyParameters(BigDecimal.ONE, 1e-6, 50, 1, false));

  private static final Part CAMPAIGN = new Part(0, Type.TEXT);
  private static final Part SPEND = new Part(1, Type.REAL);
  private static final Part IMPRESSIONS = new Part(2, Type.INTEGER);
  private static final Part REACH = new Part(3, Type.INTEGER);
  private static final DerivedExpression CPM =
      new Arithmetic(
          Operator.TIMES,
          new Arithmetic(Operator.DIVIDE, SPEND, IMPRESSIONS),
          new Constant(1000L, Type.INTEGER));

  private static Object[] row(String campaign, String spend, long impressions, long reach) {
    return new Object[] {campaign, new BigDecimal(spend), impressions, reach};
  }

  private static ReleasedResult released(Optional<Object[]> remainder, Object[]... rows) {
    return new ReleasedResult(
        List.of(rows),
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

  private static List<List<Object>> values(List<ShownRow> rows) {
    return rows.stream().map(r -> Arrays.asList(r.values())).toList();
  }

  private static PostProcessing outputs(DerivedExpression... expressions) {
    List<OutputColumn> outputs = new ArrayList<>();
    for (int i = 0; i < expressions.length; i++) {
      outputs.add(new OutputColumn("o" + i, expressions[i]));
    }
    return new PostProcessing(outputs, List.of(), List.of());
  }

  @Test
  void derivedOutputs_areExactArithmeticOnTheReleasedValues() {
    PostProcessing post =
        outputs(
            CAMPAIGN,
            CPM,
            new Arithmetic(Operator.DIVIDE, new Cast(IMPRESSIONS, Type.REAL), REACH),
            new Arithmetic(Operator.DIVIDE, IMPRESSIONS, REACH),
            new DerivedExpression.Negate(IMPRESSIONS),
            new Round(new Arithmetic(Operator.DIVIDE, SPEND, REACH), 2));

    List<ShownRow> shown =
        post.arrange(
            released(Optional.empty(), row("c1", "12.5", 8, 3)), List.of(), OptionalInt.empty());

    assertEquals(
        List.of(
            List.of(
                "c1",
                new BigDecimal("1562.5"),
                new BigDecimal("2.666666666666667"),
                2L,
                -8L,
                new BigDecimal("4.17"))),
        values(shown));
  }

  @Test
  void divisionByANoisedValueThatIsZeroOrNegative_isNullNeverAnError() {
    DerivedExpression difference = new Arithmetic(Operator.MINUS, IMPRESSIONS, REACH);
    PostProcessing post =
        outputs(
            CPM,
            new Arithmetic(Operator.DIVIDE, SPEND, difference),
            new Arithmetic(Operator.DIVIDE, IMPRESSIONS, new Constant(0L, Type.INTEGER)),
            new Arithmetic(Operator.DIVIDE, IMPRESSIONS, new Constant(-2L, Type.INTEGER)));

    List<ShownRow> shown =
        post.arrange(
            released(Optional.empty(), row("c1", "12.5", 0, 3), row("c2", "7", 2, 5)),
            List.of(),
            OptionalInt.empty());

    // A zero count, a negative difference of counts, a constant zero: NULL. A negative constant
    // divides as SQL does.
    assertEquals(Arrays.asList(null, null, null, 0L), values(shown).get(0));
    assertEquals(Arrays.asList(new BigDecimal("3500"), null, null, -1L), values(shown).get(1));
  }

  @Test
  void wholeNumbersPastBigint_areNull() {
    DerivedExpression huge = new Constant(Long.MAX_VALUE, Type.INTEGER);
    PostProcessing post = outputs(new Arithmetic(Operator.TIMES, IMPRESSIONS, huge));

    List<ShownRow> shown =
        post.arrange(
            released(Optional.empty(), row("c1", "1", 2, 3)), List.of(), OptionalInt.empty());

    assertNull(shown.get(0).values()[0]);
  }

  @Test
  void having_dropsReleasedRowsUnlessTrue_andKeepsTheRemainderRowLast() {
    PostProcessing post =
        new PostProcessing(
            List.of(new OutputColumn("campaign_id", CAMPAIGN), new OutputColumn("cpm", CPM)),
            List.of(),
            List.of(
                new Compare(Comparison.GREATER_THAN, REACH, new Constant(100L, Type.INTEGER)),
                new Compare(
                    Comparison.GREATER_THAN, CPM, new Constant(new BigDecimal("0.5"), Type.REAL))));
    Object[] remainder = row(null, "1", 1, 20);

    List<ShownRow> shown =
        post.arrange(
            released(
                Optional.of(remainder),
                row("kept", "10", 100, 150),
                row("few people", "10", 100, 90),
                row("zero impressions", "10", 0, 150),
                row("cheap", "0.01", 100, 150)),
            List.of(),
            OptionalInt.empty());

    // The CPM of "zero impressions" is NULL, so its condition is not TRUE.
    assertEquals(
        List.of(
            Arrays.asList("kept", new BigDecimal("100")),
            Arrays.asList(null, new BigDecimal("1000"))),
        values(shown));
    assertTrue(shown.get(1).remainder());
  }

  @Test
  void orderByDerivedAndByHiddenValue_isStableOverTheCanonicalOrder_andLimitKeepsTheFirst() {
    PostProcessing post =
        new PostProcessing(
            List.of(new OutputColumn("campaign_id", CAMPAIGN), new OutputColumn("cpm", CPM)),
            List.of(SPEND),
            List.of());
    ReleasedResult result =
        released(
            Optional.empty(),
            row("a", "1", 10, 60),
            row("b", "3", 10, 60),
            row("c", "2", 10, 60),
            row("d", "3", 10, 60),
            row("e", "5", 0, 60));

    // By the derived output, descending: NULL first (SQL's NULLs sort high), ties keep "b" before
    // "d".
    assertEquals(
        List.of("e", "b", "d"),
        post.arrange(result, List.of(new OrderKey(1, true)), OptionalInt.of(3)).stream()
            .map(r -> r.values()[0])
            .toList());
    // By the hidden spend (sort value index 2 = outputs.size() + 0), ascending.
    assertEquals(
        List.of("a", "c", "b", "d", "e"),
        post.arrange(result, List.of(new OrderKey(2, false)), OptionalInt.empty()).stream()
            .map(r -> r.values()[0])
            .toList());
  }

  @Test
  void identity_showsTheReleasedRowsAsReleaseOrderArrangesThem() {
    PostProcessing identity = PostProcessing.identity(SPEC);
    ReleasedResult result =
        released(Optional.empty(), row("a", "1", 10, 60), row("b", "3", 12, 61));

    List<Object[]> expected =
        ReleaseOrder.arrange(result, List.of(new OrderKey(2, true)), OptionalInt.of(1));
    List<ShownRow> shown =
        identity.arrange(result, List.of(new OrderKey(2, true)), OptionalInt.of(1));

    assertEquals(1, shown.size());
    assertArrayEquals(expected.get(0), shown.get(0).values());
    assertTrue(identity.isIdentity(SPEC));
  }

  @Test
  void interval_propagatesEachPartsInterval_cutToWhatTheExactValueCanBe() {
    List<ColumnNoise> noise =
        List.of(noise("spend", "10"), noise("impressions", "2"), noise("reach", "3"));
    DerivedExpression costPerImpression = new Arithmetic(Operator.DIVIDE, SPEND, IMPRESSIONS);
    PostProcessing post =
        new PostProcessing(
            List.of(
                new OutputColumn("campaign_id", CAMPAIGN),
                new OutputColumn("cost_per_impression", costPerImpression),
                new OutputColumn("difference", new Arithmetic(Operator.MINUS, IMPRESSIONS, REACH))),
            List.of(),
            List.of());
    List<ShownRow> shown =
        post.arrange(
            released(Optional.empty(), row("a", "100", 10, 60), row("b", "100", 1, 60)),
            List.of(),
            OptionalInt.empty());

    List<Interval> ratio = post.intervals(1, shown, SPEC, noise);
    // [100 - 10, 100 + 10] / [10 - 2, 10 + 2].
    assertEquals(new BigDecimal("7.5"), ratio.get(0).low());
    assertEquals(new BigDecimal("13.75"), ratio.get(0).high());
    // A count of 1 with a half-width of 2 may be 0: the ratio is unbounded.
    assertNull(ratio.get(1));
    List<Interval> difference = post.intervals(2, shown, SPEC, noise);
    assertEquals(new BigDecimal("-55"), difference.get(0).low());
    assertEquals(new BigDecimal("-45"), difference.get(0).high());

    // A released group has at least k = 50 people, the remainder row (no group) has no such floor.
    PostProcessing perPerson =
        new PostProcessing(
            List.of(new OutputColumn("per_person", new Arithmetic(Operator.DIVIDE, SPEND, REACH))),
            List.of(),
            List.of());
    List<ShownRow> small =
        perPerson.arrange(
            released(Optional.of(row(null, "40", 1, 40)), row("a", "100", 10, 48)),
            List.of(),
            OptionalInt.empty());
    List<Interval> perPersonIntervals = perPerson.intervals(0, small, SPEC, noise);
    // [90, 110] / [max(45, 50), max(51, 50)].
    assertEquals(new BigDecimal("1.764705882352941"), perPersonIntervals.get(0).low());
    assertEquals(new BigDecimal("2.2"), perPersonIntervals.get(0).high());
    // [30, 50] / [37, 43].
    assertEquals(new BigDecimal("0.6976744186046512"), perPersonIntervals.get(1).low());

    PostProcessing.DerivedNoise reported = post.derivedNoise(SPEC, noise).get(0);
    assertEquals("cost_per_impression", reported.column());
    assertEquals("(spend / impressions)", reported.expression());
    assertEquals(
        List.of("spend", "impressions"),
        reported.parts().stream().map(ColumnNoise::column).toList());
  }

  private static ColumnNoise noise(String column, String ci95) {
    return new ColumnNoise(
        column,
        "discrete-laplace",
        BigDecimal.ONE,
        BigDecimal.ONE,
        new BigDecimal(ci95),
        BigDecimal.ONE);
  }
}
