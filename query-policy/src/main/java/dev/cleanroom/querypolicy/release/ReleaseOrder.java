package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;

/**
 * The order of released rows, which the analyst sees and so must depend only on released values:
 * never on the order in which an engine returns groups, which follows the order of rows in the
 * uploaded data (and for a join, the order of a table the analyst itself uploaded).
 *
 * <p>The canonical order sorts rows by their group keys (in output order), then by their other
 * values (in output order), so it is total even for rows whose keys are equal. {@code ORDER BY} is
 * a stable sort over the canonical order, so its ties keep the canonical order; {@code LIMIT} keeps
 * the first rows of that. The remainder row, when there is one, always comes last: {@code ORDER BY}
 * does not move it and {@code LIMIT} does not count it.
 *
 * <p>Values compare in one total order whatever their types: {@code NULL} first, then booleans
 * ({@code false} first), then numbers by their numeric value (dates and timestamps are numbers in
 * engine rows), then strings by Unicode code point (the order of their UTF-8 bytes), then anything
 * else by type name and value.
 */
public final class ReleaseOrder {
  // Kinds of values, in the order they sort.
  private static final int BOOLEAN = 0;
  private static final int NUMBER = 1;
  private static final int TEXT = 2;
  private static final int OTHER = 3;

  private ReleaseOrder() {}

  /** The total order of single values described in the class comment, {@code NULL} first. */
  public static int compareValues(Object left, Object right) {
    if (left == right) {
      return 0;
    }
    if (left == null) {
      return -1;
    }
    if (right == null) {
      return 1;
    }
    int byKind = Integer.compare(kind(left), kind(right));
    if (byKind != 0) {
      return byKind;
    }
    return switch (kind(left)) {
      case BOOLEAN -> Boolean.compare((Boolean) left, (Boolean) right);
      case NUMBER -> compareNumbers((Number) left, (Number) right);
      case TEXT -> compareCodePoints(left.toString(), right.toString());
      default -> compareOther(left, right);
    };
  }

  /** The canonical order of released rows of {@code spec}: group keys first, then the rest. */
  public static Comparator<Object[]> canonical(ReleaseSpec spec) {
    requireNonNull(spec, "spec is null");
    List<ReleaseColumn> columns = spec.columns();
    int[] fields = new int[columns.size()];
    int next = 0;
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).role() == ColumnRole.GROUP_KEY) {
        fields[next++] = i;
      }
    }
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).role() != ColumnRole.GROUP_KEY) {
        fields[next++] = i;
      }
    }
    return byFields(fields);
  }

  /**
   * The rows an answer shows, in the order it shows them: the released rows (which {@link Releaser}
   * returns in canonical order) stably sorted by {@code order}, the first {@code limit} of them,
   * then the remainder row if there is one.
   */
  public static List<Object[]> arrange(
      ReleasedResult released, List<OrderKey> order, OptionalInt limit) {
    requireNonNull(released, "released is null");
    requireNonNull(order, "order is null");
    requireNonNull(limit, "limit is null");
    List<Object[]> rows = new ArrayList<>(released.rows());
    if (!order.isEmpty()) {
      // List.sort is stable: ties keep the canonical order.
      rows.sort(orderBy(order));
    }
    if (limit.isPresent() && rows.size() > limit.getAsInt()) {
      rows = new ArrayList<>(rows.subList(0, limit.getAsInt()));
    }
    released.remainderRow().ifPresent(rows::add);
    return rows;
  }

  /**
   * {@code ORDER BY} over released rows: ascending keys put {@code NULL} last, descending keys
   * first (SQL's default, {@code NULL} sorting high).
   */
  static Comparator<Object[]> orderBy(List<OrderKey> order) {
    Comparator<Object[]> comparator = (left, right) -> 0;
    for (OrderKey key : order) {
      int field = key.outputIndex();
      Comparator<Object[]> ascending = (left, right) -> compareNullsLast(left[field], right[field]);
      comparator = comparator.thenComparing(key.descending() ? ascending.reversed() : ascending);
    }
    return comparator;
  }

  /** Rows compared field by field, in the order {@code fields} lists them. */
  static Comparator<Object[]> byFields(int[] fields) {
    int[] copy = fields.clone();
    return (left, right) -> {
      for (int field : copy) {
        int compared = compareValues(left[field], right[field]);
        if (compared != 0) {
          return compared;
        }
      }
      return 0;
    };
  }

  private static int compareNullsLast(Object left, Object right) {
    if (left == null || right == null) {
      return left == right ? 0 : left == null ? 1 : -1;
    }
    return compareValues(left, right);
  }

  private static int kind(Object value) {
    if (value instanceof Boolean) {
      return BOOLEAN;
    }
    if (value instanceof Number) {
      return NUMBER;
    }
    if (value instanceof CharSequence) {
      return TEXT;
    }
    return OTHER;
  }

  private static int compareNumbers(Number left, Number right) {
    int byValue = compareNumericValues(left, right);
    if (byValue != 0) {
      return byValue;
    }
    // Equal numbers of different types or scales (1 and 1.0) are still told apart, consistently.
    int byType = left.getClass().getName().compareTo(right.getClass().getName());
    if (byType != 0) {
      return byType;
    }
    if (left instanceof BigDecimal leftDecimal && right instanceof BigDecimal rightDecimal) {
      return Integer.compare(leftDecimal.scale(), rightDecimal.scale());
    }
    // -0.0 before 0.0.
    return isDouble(left) ? Double.compare(left.doubleValue(), right.doubleValue()) : 0;
  }

  /** By numeric value: negative infinity, the finite numbers, positive infinity, then NaN. */
  private static int compareNumericValues(Number left, Number right) {
    if (isLongValued(left) && isLongValued(right)) {
      return Long.compare(left.longValue(), right.longValue());
    }
    int byRange = Integer.compare(nonFiniteRank(left), nonFiniteRank(right));
    if (byRange != 0 || nonFiniteRank(left) != 0) {
      return byRange;
    }
    if (isDouble(left) && isDouble(right)) {
      double a = left.doubleValue();
      double b = right.doubleValue();
      return a < b ? -1 : a > b ? 1 : 0;
    }
    return exact(left).compareTo(exact(right));
  }

  private static boolean isLongValued(Number value) {
    return value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte;
  }

  private static boolean isDouble(Number value) {
    return value instanceof Double || value instanceof Float;
  }

  /** -1 for negative infinity, 0 for finite numbers, 1 for positive infinity, 2 for NaN. */
  private static int nonFiniteRank(Number value) {
    if (!isDouble(value)) {
      return 0;
    }
    double number = value.doubleValue();
    if (Double.isNaN(number)) {
      return 2;
    }
    if (Double.isInfinite(number)) {
      return number > 0 ? 1 : -1;
    }
    return 0;
  }

  private static BigDecimal exact(Number value) {
    if (value instanceof BigDecimal decimal) {
      return decimal;
    }
    if (value instanceof BigInteger integer) {
      return new BigDecimal(integer);
    }
    if (isDouble(value)) {
      return new BigDecimal(value.doubleValue());
    }
    if (isLongValued(value)) {
      return BigDecimal.valueOf(value.longValue());
    }
    return new BigDecimal(value.toString());
  }

  /** Code point order, which is also the order of the strings' UTF-8 bytes. */
  static int compareCodePoints(String left, String right) {
    int length = Math.min(left.length(), right.length());
    for (int i = 0; i < length; i++) {
      char a = left.charAt(i);
      char b = right.charAt(i);
      if (a != b) {
        return Integer.compare(codePointRank(a), codePointRank(b));
      }
    }
    return Integer.compare(left.length(), right.length());
  }

  /**
   * Moves surrogates above U+E000..U+FFFF, so comparing UTF-16 units at the first difference orders
   * strings by code point.
   */
  private static int codePointRank(char unit) {
    if (unit < 0xD800) {
      return unit;
    }
    return unit >= 0xE000 ? unit - 0x800 : unit + 0x2000;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareOther(Object left, Object right) {
    int byType = left.getClass().getName().compareTo(right.getClass().getName());
    if (byType != 0) {
      return byType;
    }
    if (left instanceof Comparable comparable) {
      return comparable.compareTo(right);
    }
    return compareCodePoints(left.toString(), right.toString());
  }
}
