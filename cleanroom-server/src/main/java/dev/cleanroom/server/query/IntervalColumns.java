package dev.cleanroom.server.query;

import java.util.ArrayList;
import java.util.List;

/**
 * The layout of the CSV and Arrow IPC downloads: after each noised column {@code x}, its 95%
 * interval as two columns {@code x_low95} and {@code x_high95} (empty where the interval is unknown
 * or unbounded), so a spreadsheet shows each value next to its interval.
 */
final class IntervalColumns {
  static final String LOW = "_low95";
  static final String HIGH = "_high95";

  private IntervalColumns() {}

  /** The download's column names. */
  static List<String> header(Answer answer) {
    List<String> names = new ArrayList<>();
    for (Answer.AnswerColumn column : answer.columns()) {
      names.add(column.name());
      if (column.noised()) {
        names.add(column.name() + LOW);
        names.add(column.name() + HIGH);
      }
    }
    return names;
  }

  /** Row {@code index} of the download: each value, and after a noised one its low and high. */
  static List<Object> row(Answer answer, int index) {
    List<Object> values = answer.rows().get(index);
    List<List<Number>> intervals =
        answer.intervals() == null ? null : answer.intervals().get(index);
    List<Object> out = new ArrayList<>();
    for (int c = 0; c < values.size(); c++) {
      out.add(values.get(c));
      if (answer.columns().get(c).noised()) {
        List<Number> interval = intervals == null ? null : intervals.get(c);
        out.add(interval == null ? null : interval.get(0));
        out.add(interval == null ? null : interval.get(1));
      }
    }
    return out;
  }
}
