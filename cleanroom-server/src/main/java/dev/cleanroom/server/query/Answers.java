package dev.cleanroom.server.query;

import dev.cleanroom.querypolicy.release.ColumnNoise;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleaseOrder;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.type.SqlTypeName;

/** Turns a released result into an answer: output types, ORDER BY and LIMIT, the report. */
final class Answers {
  private Answers() {}

  static Answer of(
      String queryId,
      PrivateQuery query,
      ReleasedResult released,
      BigDecimal remaining,
      Map<String, Integer> policyVersions,
      Map<String, Integer> dataVersions) {
    ReleaseSpec spec = query.releaseSpec();
    List<Answer.AnswerColumn> columns = columnsOf(query);
    // Canonical order, then ORDER BY and LIMIT; the remainder row last.
    List<Object[]> rows = ReleaseOrder.arrange(released, query.order(), query.limit());
    List<List<Object>> values = new ArrayList<>(rows.size());
    for (Object[] row : rows) {
      List<Object> converted = new ArrayList<>(row.length);
      for (int i = 0; i < row.length; i++) {
        converted.add(jsonValue(row[i], columns.get(i).type()));
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
            released.suppressedGroups(),
            false,
            noise);
    return new Answer(queryId, columns, values, report, policyVersions, dataVersions);
  }

  /** The columns an answer of {@code query} has, known from its plan before anything runs. */
  static List<Answer.AnswerColumn> columnsOf(PrivateQuery query) {
    List<RelDataType> planTypes =
        query.plan().getRowType().getFieldList().stream().map(f -> f.getType()).toList();
    List<Answer.AnswerColumn> columns = new ArrayList<>();
    for (ReleaseColumn column : query.releaseSpec().columns()) {
      columns.add(new Answer.AnswerColumn(column.name(), typeOf(column, planTypes)));
    }
    return columns;
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
      case SUM, AVG -> "DOUBLE";
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
