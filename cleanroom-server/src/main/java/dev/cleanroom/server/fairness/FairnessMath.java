package dev.cleanroom.server.fairness;

import dev.cleanroom.server.fairness.FairnessRequests.FairnessReport;
import dev.cleanroom.server.fairness.FairnessRequests.Interval;
import dev.cleanroom.server.fairness.FairnessRequests.SegmentRow;
import dev.cleanroom.server.query.Answer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of a fairness report, on released values only. Each released count comes with its
 * 95% interval; a rate's interval is the interval arithmetic of its two parts' (low reach over high
 * population, high reach over low population), and so is the disparity's (a segment's rate against
 * the overall rate, whose interval sums the parts' bounds). Combining bounds so is conservative:
 * the disparity's interval covers its true value whenever every part's interval covers its own, so
 * "significant" (the interval excludes 1) is not claimed lightly.
 */
final class FairnessMath {
  static final String METHOD =
      "rate = reach / population per segment, from released noised counts; intervals by interval"
          + " arithmetic of the parts' 95% intervals (conservative); significant when the"
          + " disparity's interval excludes 1";

  private FairnessMath() {}

  /** The report from the two released answers: [segment, reach] and [segment, population]. */
  static FairnessReport report(String segment, String purpose, Answer reached, Answer population) {
    Map<Object, Cell> reach = cells(reached);
    Map<Object, Cell> people = cells(population);
    List<Object> shown = new ArrayList<>();
    for (Object value : reach.keySet()) {
      if (people.containsKey(value) && people.get(value).low() > 0) {
        shown.add(value);
      }
    }
    int withheld = reach.size() + people.size() - 2 * shown.size();
    double reachSum = 0;
    double reachLow = 0;
    double reachHigh = 0;
    double peopleSum = 0;
    double peopleLow = 0;
    double peopleHigh = 0;
    for (Object value : shown) {
      reachSum += reach.get(value).value();
      reachLow += Math.max(0, reach.get(value).low());
      reachHigh += reach.get(value).high();
      peopleSum += people.get(value).value();
      peopleLow += people.get(value).low();
      peopleHigh += people.get(value).high();
    }
    double overall = peopleSum > 0 ? reachSum / peopleSum : Double.NaN;
    Interval overallInterval =
        peopleLow > 0 ? new Interval(reachLow / peopleHigh, reachHigh / peopleLow) : null;
    List<SegmentRow> rows = new ArrayList<>();
    for (Object value : shown) {
      Cell r = reach.get(value);
      Cell p = people.get(value);
      double rate = p.value() > 0 ? r.value() / p.value() : Double.NaN;
      Interval rateInterval = new Interval(Math.max(0, r.low()) / p.high(), r.high() / p.low());
      double disparity = rate / overall;
      Interval disparityInterval =
          overallInterval == null || overallInterval.low() <= 0
              ? null
              : new Interval(
                  rateInterval.low() / overallInterval.high(),
                  rateInterval.high() / overallInterval.low());
      boolean significant =
          disparityInterval != null
              && (disparityInterval.high() < 1 || disparityInterval.low() > 1);
      rows.add(
          new SegmentRow(
              String.valueOf(value),
              Math.round(r.value()),
              new Interval(r.low(), r.high()),
              Math.round(p.value()),
              new Interval(p.low(), p.high()),
              rate,
              rateInterval,
              disparity,
              disparityInterval,
              significant,
              disparity < FairnessReports.FOUR_FIFTHS));
    }
    return new FairnessReport(
        segment,
        purpose,
        reached.privacy().epsilonSpent().add(population.privacy().epsilonSpent()),
        overall,
        overallInterval,
        rows,
        withheld,
        List.of(reached.queryId(), population.queryId()),
        METHOD);
  }

  /** A released count and its 95% interval. */
  record Cell(double value, double low, double high) {}

  /** Each row's key (column 0) to its count (column 1) and that cell's interval. */
  private static Map<Object, Cell> cells(Answer answer) {
    Map<Object, Cell> cells = new LinkedHashMap<>();
    for (int i = 0; i < answer.rows().size(); i++) {
      List<Object> row = answer.rows().get(i);
      if (row.get(0) == null) {
        continue;
      }
      double value = ((Number) row.get(1)).doubleValue();
      List<Number> interval =
          answer.intervals().isEmpty() ? null : answer.intervals().get(i).get(1);
      double low =
          interval == null || interval.get(0) == null ? value : interval.get(0).doubleValue();
      double high =
          interval == null || interval.get(1) == null ? value : interval.get(1).doubleValue();
      cells.put(row.get(0), new Cell(value, low, high));
    }
    return cells;
  }
}
