package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.release.DerivedExpression.Interval;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.TreeSet;
import java.util.function.IntFunction;

/**
 * What an answer shows, computed from the released rows after noise: each output column as an
 * expression over the row's released parts (a part itself, or a derived metric such as {@code
 * SUM(cost) / COUNT(*)}), the {@code HAVING} conditions that drop released rows, and the values
 * {@code ORDER BY} sorts on that are not outputs. Everything here reads released values only, so it
 * is post-processing: it spends no epsilon, whatever it computes.
 *
 * <p>The remainder row (all suppressed groups together) is not a group: its outputs are computed
 * like any row's, but {@code HAVING} does not drop it, {@code ORDER BY} does not move it and {@code
 * LIMIT} does not count it; it comes last.
 *
 * @param outputs the answer's columns, in output order
 * @param sortValues values {@code ORDER BY} sorts on that are not outputs; an {@link OrderKey}
 *     index {@code outputs.size() + i} names the i-th
 * @param having conditions a released row must meet (all TRUE) to be shown
 */
public record PostProcessing(
    List<OutputColumn> outputs,
    List<DerivedExpression> sortValues,
    List<DerivedExpression> having) {

  /** How the interval of a derived output is computed, for the privacy report. */
  public static final String INTERVAL_METHOD =
      "interval arithmetic over each part's 95% interval; approximate: it holds the value without"
          + " noise when every part's interval holds the part's, so with probability at least"
          + " 1 - 0.05 x (number of parts); a group's number of people is the set conditioned on"
          + " its release by the noisy threshold, so groups near the threshold do not lean upward";

  /**
   * One output column.
   *
   * @param name the analyst's name for it
   * @param expression how it is computed from the row's released parts
   */
  public record OutputColumn(String name, DerivedExpression expression) {
    public OutputColumn {
      requireNonNull(name, "name is null");
      requireNonNull(expression, "expression is null");
    }

    /** Whether the column is computed from parts rather than being one part as released. */
    public boolean derived() {
      return !(expression instanceof DerivedExpression.Part);
    }
  }

  /**
   * A row as an answer shows it.
   *
   * @param parts the released parts it was computed from
   * @param values its output values, in output order
   * @param remainder whether it is the remainder row
   */
  public record ShownRow(Object[] parts, Object[] values, boolean remainder) {
    public ShownRow {
      requireNonNull(parts, "parts is null");
      requireNonNull(values, "values is null");
    }
  }

  /**
   * The noise behind one derived output, data-independent.
   *
   * @param column the output column
   * @param expression the expression over its parts, with the parts named
   * @param parts the noise of each released part it reads
   */
  public record DerivedNoise(String column, String expression, List<ColumnNoise> parts) {
    public DerivedNoise {
      requireNonNull(column, "column is null");
      requireNonNull(expression, "expression is null");
      parts = List.copyOf(parts);
    }
  }

  public PostProcessing {
    outputs = List.copyOf(requireNonNull(outputs, "outputs is null"));
    sortValues = List.copyOf(requireNonNull(sortValues, "sortValues is null"));
    having = List.copyOf(requireNonNull(having, "having is null"));
    if (outputs.isEmpty()) {
      throw new IllegalArgumentException("an answer has at least one output");
    }
    for (DerivedExpression condition : having) {
      if (condition.type() != DerivedExpression.Type.BOOLEAN) {
        throw new IllegalArgumentException("a HAVING condition is a " + condition.type());
      }
    }
  }

  /** Every released column shown as it is: what a query without derived outputs answers. */
  public static PostProcessing identity(ReleaseSpec spec) {
    List<OutputColumn> outputs = new ArrayList<>();
    for (int i = 0; i < spec.columns().size(); i++) {
      ReleaseColumn column = spec.columns().get(i);
      outputs.add(new OutputColumn(column.name(), new DerivedExpression.Part(i, partType(column))));
    }
    return new PostProcessing(outputs, List.of(), List.of());
  }

  /** The type a part of this column has in derived expressions. */
  public static DerivedExpression.Type partType(ReleaseColumn column) {
    return switch (column.role()) {
      case DISTINCT_UNITS, COUNT -> DerivedExpression.Type.INTEGER;
      case SUM, AVG -> DerivedExpression.Type.REAL;
      case GROUP_KEY -> DerivedExpression.Type.TEXT;
      case HISTOGRAM -> DerivedExpression.Type.HISTOGRAM;
    };
  }

  /** How digests and messages name a part: by its index, {@code part0}, {@code part1}, ... */
  public static final IntFunction<String> PART_INDEXES = part -> "part" + part;

  /** Output columns and sort values together: the width {@link OrderKey}s index into. */
  public int sortableWidth() {
    return outputs.size() + sortValues.size();
  }

  /** Whether this shows the released columns exactly as released. */
  public boolean isIdentity(ReleaseSpec spec) {
    return equals(identity(spec));
  }

  /**
   * The rows an answer shows, in the order it shows them: the released rows (in canonical order)
   * that meet {@code HAVING}, stably sorted by {@code order}, the first {@code limit} of them, then
   * the remainder row if there is one.
   */
  public List<ShownRow> arrange(ReleasedResult released, List<OrderKey> order, OptionalInt limit) {
    requireNonNull(released, "released is null");
    requireNonNull(order, "order is null");
    requireNonNull(limit, "limit is null");
    List<Object[]> sortable = new ArrayList<>();
    List<Object[]> parts = new ArrayList<>();
    for (Object[] row : released.rows()) {
      if (meetsHaving(row)) {
        sortable.add(sortableValues(row));
        parts.add(row);
      }
    }
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < sortable.size(); i++) {
      positions.add(i);
    }
    if (!order.isEmpty()) {
      // List.sort is stable: ties keep the canonical order.
      Comparator<Object[]> byOrder = ReleaseOrder.orderBy(order);
      positions.sort((a, b) -> byOrder.compare(sortable.get(a), sortable.get(b)));
    }
    if (limit.isPresent() && positions.size() > limit.getAsInt()) {
      positions = positions.subList(0, limit.getAsInt());
    }
    List<ShownRow> shown = new ArrayList<>();
    for (int position : positions) {
      shown.add(new ShownRow(parts.get(position), outputValues(parts.get(position)), false));
    }
    released.remainderRow().ifPresent(row -> shown.add(new ShownRow(row, outputValues(row), true)));
    return shown;
  }

  private boolean meetsHaving(Object[] parts) {
    for (DerivedExpression condition : having) {
      if (!Boolean.TRUE.equals(condition.evaluate(parts))) {
        return false;
      }
    }
    return true;
  }

  private Object[] outputValues(Object[] parts) {
    Object[] values = new Object[outputs.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = outputs.get(i).expression().evaluate(parts);
    }
    return values;
  }

  private Object[] sortableValues(Object[] parts) {
    Object[] values = new Object[sortableWidth()];
    for (int i = 0; i < outputs.size(); i++) {
      values[i] = outputs.get(i).expression().evaluate(parts);
    }
    for (int i = 0; i < sortValues.size(); i++) {
      values[outputs.size() + i] = sortValues.get(i).evaluate(parts);
    }
    return values;
  }

  /** The noise behind each derived output, in output order; data-independent. */
  public List<DerivedNoise> derivedNoise(ReleaseSpec spec, List<ColumnNoise> noise) {
    ColumnNoise[] byPart = noiseByPart(spec, noise);
    List<DerivedNoise> derived = new ArrayList<>();
    for (OutputColumn output : outputs) {
      if (!output.derived()) {
        continue;
      }
      TreeSet<Integer> read = new TreeSet<>();
      output.expression().collectParts(read);
      List<ColumnNoise> parts = new ArrayList<>();
      String expression = output.expression().render(part -> spec.columns().get(part).name());
      for (int part : read) {
        if (byPart[part] != null) {
          parts.add(byPart[part]);
        }
      }
      derived.add(new DerivedNoise(output.name(), expression, parts));
    }
    return derived;
  }

  /**
   * The approximate 95% interval of a derived output in each shown row ({@code null} where it is
   * unknown or unbounded), by {@link #INTERVAL_METHOD} over the parts' intervals of {@link
   * CellIntervals}.
   */
  public List<Interval> intervals(
      int output, List<ShownRow> rows, ReleaseSpec spec, List<ColumnNoise> noise) {
    CellIntervals cells = CellIntervals.of(spec, noise);
    List<Interval> intervals = new ArrayList<>();
    for (ShownRow row : rows) {
      intervals.add(outputs.get(output).expression().interval(row.parts(), cells.parts(row)));
    }
    return intervals;
  }

  /** Each part's noise: the release reports one entry per noised column, in column order. */
  static ColumnNoise[] noiseByPart(ReleaseSpec spec, List<ColumnNoise> noise) {
    ColumnNoise[] byPart = new ColumnNoise[spec.columns().size()];
    int next = 0;
    for (int part = 0; part < byPart.length && next < noise.size(); part++) {
      if (spec.columns().get(part).role() != ColumnRole.GROUP_KEY) {
        byPart[part] = noise.get(next++);
      }
    }
    return byPart;
  }
}
