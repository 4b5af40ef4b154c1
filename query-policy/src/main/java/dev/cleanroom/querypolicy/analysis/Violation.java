package dev.cleanroom.querypolicy.analysis;

import static java.util.Objects.requireNonNull;

/**
 * One broken rule of a query. Never carries a cell value: only codes, identifiers and positions.
 *
 * @param code the stable machine code
 * @param column the qualified column ({@code member.dataset.column}) or table concerned, or {@code
 *     null} when the rule is about the query's shape
 * @param line 1-based line in the SQL text
 * @param columnNumber 1-based column in the SQL text
 * @param message a sentence a person understands
 */
public record Violation(
    ViolationCode code, String column, int line, int columnNumber, String message) {

  public Violation {
    requireNonNull(code, "code is null");
    requireNonNull(message, "message is null");
    if (line < 1 || columnNumber < 1) {
      throw new IllegalArgumentException(
          "positions are 1-based, was line " + line + ", column " + columnNumber);
    }
  }

  @Override
  public String toString() {
    return code
        + (column == null ? "" : " " + column)
        + " at "
        + line
        + ":"
        + columnNumber
        + ": "
        + message;
  }
}
