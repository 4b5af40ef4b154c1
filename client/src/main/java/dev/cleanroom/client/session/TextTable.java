package dev.cleanroom.client.session;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * An aligned text table: a header, a rule and rows; numbers right-aligned, text left-aligned, NULL
 * shown as {@code NULL}. Widths count characters (code points), so wide scripts may drift.
 */
public final class TextTable {
  private final List<String> header;
  private final List<Boolean> numeric;
  private final List<List<String>> rows = new ArrayList<>();

  /**
   * @param numeric per column, whether it is right-aligned
   */
  public TextTable(List<String> header, List<Boolean> numeric) {
    if (header.size() != numeric.size()) {
      throw new IllegalArgumentException("one alignment per column is needed");
    }
    this.header = List.copyOf(header);
    this.numeric = List.copyOf(numeric);
  }

  /** Adds a row; {@code null} cells print as {@code NULL}. */
  public void add(List<String> row) {
    if (row.size() != header.size()) {
      throw new IllegalArgumentException(
          "a row has " + row.size() + " cells for " + header.size() + " columns");
    }
    List<String> cells = new ArrayList<>(row.size());
    for (String cell : row) {
      cells.add(cell == null ? "NULL" : cell.replace('\n', ' ').replace('\r', ' '));
    }
    rows.add(cells);
  }

  public int rowCount() {
    return rows.size();
  }

  public void print(PrintStream out) {
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = length(header.get(i));
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], length(row.get(i)));
      }
    }
    out.println(line(header, widths));
    StringBuilder rule = new StringBuilder();
    for (int i = 0; i < widths.length; i++) {
      rule.append(i == 0 ? "" : "  ").append("-".repeat(widths[i]));
    }
    out.println(rule);
    for (List<String> row : rows) {
      out.println(line(row, widths));
    }
  }

  private String line(List<String> cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      String padding = " ".repeat(widths[i] - length(cell));
      line.append(i == 0 ? "" : "  ");
      if (numeric.get(i)) {
        line.append(padding).append(cell);
      } else if (i == cells.size() - 1) {
        line.append(cell);
      } else {
        line.append(cell).append(padding);
      }
    }
    return line.toString();
  }

  private static int length(String text) {
    return text.codePointCount(0, text.length());
  }
}
