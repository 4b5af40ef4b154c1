package dev.cleanroom.engine.reference;

/**
 * What a row of boxed values costs on the heap, for charging the reference engine's rows to the
 * query's memory account: an estimate that never depends on more than a value's type and, for text,
 * its length.
 */
final class BoxedRows {
  private static final long ARRAY_HEADER = 16;
  private static final long REFERENCE = 8;
  private static final long BOXED_NUMBER = 24;
  private static final long STRING_HEADER = 40;
  private static final long DECIMAL = 64;

  private BoxedRows() {}

  static long bytes(Object[] row) {
    long bytes = ARRAY_HEADER + REFERENCE * row.length;
    for (Object value : row) {
      if (value instanceof String text) {
        bytes += STRING_HEADER + text.length();
      } else if (value instanceof java.math.BigDecimal) {
        bytes += DECIMAL;
      } else if (value != null) {
        bytes += BOXED_NUMBER;
      }
    }
    return bytes;
  }
}
