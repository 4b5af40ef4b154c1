package dev.cleanroom.server.query;

import dev.cleanroom.querypolicy.release.CellIntervals;
import dev.cleanroom.querypolicy.release.ColumnNoise;
import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.DerivedExpression;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleaseRule;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Spending;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Turns a released result into an answer: derived outputs and HAVING computed from the released
 * parts, ORDER BY and LIMIT, output types, the privacy report.
 */
final class Answers {
  private Answers() {}

  static Answer of(
      String queryId,
      PrivateQuery query,
      ReleasedResult released,
      BigDecimal remaining,
      Map<String, Integer> policyVersions,
      Map<String, Integer> dataVersions,
      String engine,
      String purpose) {
    ReleaseSpec spec = query.releaseSpec();
    PostProcessing post = query.postProcessing();
    List<Answer.AnswerColumn> columns = columnsOf(query);
    // Canonical order, HAVING, then ORDER BY and LIMIT; the remainder row last.
    List<PostProcessing.ShownRow> rows = post.arrange(released, query.order(), query.limit());
    List<List<Object>> values = new ArrayList<>(rows.size());
    for (PostProcessing.ShownRow row : rows) {
      List<Object> converted = new ArrayList<>(row.values().length);
      for (int i = 0; i < row.values().length; i++) {
        converted.add(jsonValue(row.values()[i], columns.get(i).type()));
      }
      values.add(converted);
    }
    List<Answer.NoiseReport> noise = released.noise().stream().map(Answers::noiseReport).toList();
    Answer.PrivacyReport report =
        new Answer.PrivacyReport(
            released.epsilonSpent(),
            remaining,
            released.deltaSpent(),
            spec.parameters().minimumDistinctUnits(),
            released.suppressedGroups().isPresent()
                ? Long.valueOf(released.suppressedGroups().getAsLong())
                : null,
            false,
            noise,
            derivedReports(query, released, rows),
            released.rule().describe(),
            publicKeys(released.rule()),
            releaseNote(released.rule()),
            spent(released.spent()),
            Answer.Mechanism.of(released.accounting()),
            engine,
            purpose);
    return new Answer(
        queryId,
        columns,
        values,
        report,
        policyVersions,
        dataVersions,
        intervals(CellIntervals.of(spec, released.noise()).cells(post, rows)));
  }

  /** The number of key combinations under public keys, else {@code null}. */
  static Long publicKeys(ReleaseRule rule) {
    return rule instanceof ReleaseRule.PublicKeys keys ? keys.keyCount() : null;
  }

  /** Why the threshold decided although keys were named, else {@code null}. */
  static String releaseNote(ReleaseRule rule) {
    return rule instanceof ReleaseRule.Threshold threshold && !threshold.note().isEmpty()
        ? threshold.note()
        : null;
  }

  static List<Answer.SpentReport> spent(List<Spending> spent) {
    return spent.stream()
        .map(s -> new Answer.SpentReport(s.purpose(), s.epsilon(), s.delta()))
        .toList();
  }

  /** Each row's intervals as JSON numbers, {@code [low, high]} or null per column. */
  private static List<List<List<Number>>> intervals(List<DerivedExpression.Interval[]> cells) {
    List<List<List<Number>>> rows = new ArrayList<>(cells.size());
    for (DerivedExpression.Interval[] row : cells) {
      List<List<Number>> converted = new ArrayList<>(row.length);
      for (DerivedExpression.Interval interval : row) {
        converted.add(
            interval == null ? null : List.of(number(interval.low()), number(interval.high())));
      }
      rows.add(converted);
    }
    return rows;
  }

  /** A whole number as a long (as counts are shown), anything else as a double. */
  private static Number number(BigDecimal value) {
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() <= 0 && stripped.abs().compareTo(LONG_RANGE) < 0) {
      return stripped.longValueExact();
    }
    return value.doubleValue();
  }

  private static final BigDecimal LONG_RANGE = BigDecimal.valueOf(Long.MAX_VALUE);

  /** For each output computed from noised parts: its parts and its interval in every row. */
  private static List<Answer.DerivedReport> derivedReports(
      PrivateQuery query, ReleasedResult released, List<PostProcessing.ShownRow> rows) {
    PostProcessing post = query.postProcessing();
    ReleaseSpec spec = query.releaseSpec();
    List<PostProcessing.DerivedNoise> derivedNoise = post.derivedNoise(spec, released.noise());
    List<Answer.DerivedReport> reports = new ArrayList<>();
    int derivedIndex = 0;
    for (int i = 0; i < post.outputs().size(); i++) {
      PostProcessing.OutputColumn output = post.outputs().get(i);
      if (!output.derived()) {
        continue;
      }
      PostProcessing.DerivedNoise noise = derivedNoise.get(derivedIndex++);
      if (!output.expression().readsParts()) {
        continue;
      }
      List<List<Double>> intervals = new ArrayList<>();
      for (DerivedExpression.Interval interval : post.intervals(i, rows, spec, released.noise())) {
        intervals.add(
            interval == null
                ? null
                : List.of(interval.low().doubleValue(), interval.high().doubleValue()));
      }
      reports.add(
          new Answer.DerivedReport(
              noise.column(),
              noise.expression(),
              noise.parts().stream().map(Answers::noiseReport).toList(),
              PostProcessing.INTERVAL_METHOD,
              intervals));
    }
    return reports;
  }

  /** The columns an answer of {@code query} has, known from its plan before anything runs. */
  static List<Answer.AnswerColumn> columnsOf(PrivateQuery query) {
    List<RelDataType> planTypes =
        query.plan().getRowType().getFieldList().stream().map(f -> f.getType()).toList();
    List<Answer.AnswerColumn> columns = new ArrayList<>();
    for (PostProcessing.OutputColumn output : query.postProcessing().outputs()) {
      String type =
          output.expression() instanceof DerivedExpression.Part part
              ? typeOf(query.releaseSpec().columns().get(part.index()), planTypes)
              : typeOf(output.expression().type());
      columns.add(new Answer.AnswerColumn(output.name(), type, readsNoise(query, output)));
    }
    return columns;
  }

  /** Whether an output reads a noised part, and so has an interval. */
  private static boolean readsNoise(PrivateQuery query, PostProcessing.OutputColumn output) {
    TreeSet<Integer> parts = new TreeSet<>();
    output.expression().collectParts(parts);
    return parts.stream()
        .anyMatch(part -> query.releaseSpec().columns().get(part).role() != ColumnRole.GROUP_KEY);
  }

  /** A derived output's type: whole numbers BIGINT, fractions (ratios) DOUBLE. */
  private static String typeOf(DerivedExpression.Type type) {
    return switch (type) {
      case INTEGER -> "BIGINT";
      case REAL -> "DOUBLE";
      case TEXT -> "VARCHAR";
      case BOOLEAN -> "BOOLEAN";
        // A histogram is only ever read by its quantiles, which are REAL.
      case HISTOGRAM -> "DOUBLE";
    };
  }

  private static Answer.NoiseReport noiseReport(ColumnNoise noise) {
    return new Answer.NoiseReport(
        noise.column(),
        noise.mechanism(),
        noise.scale().doubleValue(),
        noise.ci95HalfWidth().doubleValue());
  }

  private static String typeOf(ReleaseColumn column, List<RelDataType> planTypes) {
    return switch (column.role()) {
      case GROUP_KEY -> sqlName(planTypes.get(column.valueField()));
      case DISTINCT_UNITS, COUNT -> "BIGINT";
      case SUM, AVG, HISTOGRAM -> "DOUBLE";
    };
  }

  private static String sqlName(RelDataType type) {
    SqlTypeName name = type.getSqlTypeName();
    return switch (name) {
      case DECIMAL -> "DECIMAL(" + type.getPrecision() + "," + type.getScale() + ")";
      case CHAR, VARCHAR -> "VARCHAR";
      default -> name.getName();
    };
  }

  /** Dates and timestamps as ISO text (the engines hold them as days and milliseconds). */
  private static Object jsonValue(Object value, String type) {
    if (value == null) {
      return null;
    }
    if (type.equals("DATE") && value instanceof Number days) {
      return LocalDate.ofEpochDay(days.longValue()).toString();
    }
    if (type.equals("TIMESTAMP") && value instanceof Number millis) {
      return LocalDateTime.ofInstant(Instant.ofEpochMilli(millis.longValue()), ZoneOffset.UTC)
          .toString();
    }
    if (value instanceof BigDecimal decimal) {
      return decimal.stripTrailingZeros().scale() <= 0
          ? decimal.setScale(0, java.math.RoundingMode.UNNECESSARY)
          : decimal;
    }
    return value;
  }
}
