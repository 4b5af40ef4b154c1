package dev.cleanroom.server.fairness;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.fairness.FairnessRequests.FairnessReport;
import dev.cleanroom.server.fairness.FairnessRequests.SegmentRow;
import dev.cleanroom.server.query.Answer;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The report's arithmetic on released values and their 95% intervals. */
class FairnessMathTest {
  private static Answer answer(String id, List<List<Object>> rows, List<List<Number>> intervals) {
    return new Answer(
        id,
        List.of(
            new Answer.AnswerColumn("segment", "VARCHAR", false),
            new Answer.AnswerColumn("n", "BIGINT", true)),
        rows,
        new Answer.PrivacyReport(
            new BigDecimal("0.5"), BigDecimal.ONE, 1e-6, 50, null, false, List.of()),
        Map.of(),
        Map.of(),
        intervals.stream().map(i -> Arrays.<List<Number>>asList(null, i)).toList());
  }

  @Test
  void ratesAndDisparities_withConservativeIntervals_andTheSignificanceFlag() {
    Answer reach =
        answer(
            "q-reach",
            List.of(List.of("A", 50L), List.of("B", 100L), List.of("C", 70L)),
            List.of(List.of(40, 60), List.of(95, 105), List.of(60, 80)));
    // C's population was withheld by the release: C is left out, and counted as withheld.
    Answer population =
        answer(
            "q-population",
            List.of(List.of("A", 100L), List.of("B", 100L)),
            List.of(List.of(90, 110), List.of(95, 105)));

    FairnessReport report = FairnessMath.report("t.segment", "measurement", reach, population);

    assertEquals(new BigDecimal("1.0"), report.epsilonSpent());
    assertEquals(0.75, report.overallRate(), 1e-12);
    assertEquals(135.0 / 215, report.overallRateInterval().low(), 1e-12);
    assertEquals(165.0 / 185, report.overallRateInterval().high(), 1e-12);
    assertEquals(1, report.withheld());
    assertEquals(List.of("q-reach", "q-population"), report.parts());
    SegmentRow a = report.segments().get(0);
    assertEquals("A", a.value());
    assertEquals(0.5, a.rate(), 1e-12);
    assertEquals(40.0 / 110, a.rateInterval().low(), 1e-12);
    assertEquals(60.0 / 90, a.rateInterval().high(), 1e-12);
    assertEquals(0.5 / 0.75, a.disparity(), 1e-12);
    // The interval reaches past 1: the noise can explain the difference.
    assertTrue(a.disparityInterval().high() > 1);
    assertFalse(a.significant());
    assertTrue(a.belowFourFifths());
    SegmentRow b = report.segments().get(1);
    assertEquals(1.0 / 0.75, b.disparity(), 1e-12);
    assertEquals((95.0 / 105) / (165.0 / 185), b.disparityInterval().low(), 1e-12);
    assertTrue(b.significant());
    assertFalse(b.belowFourFifths());
  }
}
