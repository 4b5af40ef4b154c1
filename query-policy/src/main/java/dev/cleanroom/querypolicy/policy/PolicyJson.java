package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.spi.ColumnType;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads and writes {@link DatasetPolicy} as JSON. Reading reports every problem at once, each with
 * the JSON path where it is, and refuses unknown fields so a typo cannot silently weaken a policy.
 */
public final class PolicyJson {
  // Exact decimals: bounds and epsilons must not pick up binary rounding on the way in.
  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private static final Set<String> POLICY_FIELDS =
      Set.of(
          "table",
          "columns",
          "allowedJoins",
          "minimumDistinctUnits",
          "privacy",
          "allowedAnalysts",
          "queryMode",
          "sensitiveSegments",
          "oneRowPerUnit");
  private static final Set<String> COLUMN_FIELDS =
      Set.of(
          "name",
          "type",
          "class",
          "bounds",
          "aggregates",
          "linksToUnitOf",
          "publicValues",
          "purpose");
  private static final Set<String> BOUNDS_FIELDS = Set.of("lower", "upper");
  private static final Set<String> JOIN_FIELDS = Set.of("column", "other", "otherColumn");
  private static final Set<String> PRIVACY_FIELDS =
      Set.of(
          "epsilonPerQuery",
          "delta",
          "maxGroupsContributed",
          "maxContributionsPerGroup",
          "budget",
          "datasetBudget",
          "budgetRefresh",
          "releaseRemainder",
          "maxRowsPerJoinKey");

  /** One problem of a policy document. */
  public record Problem(String path, String message) {
    public Problem {
      requireNonNull(path, "path is null");
      requireNonNull(message, "message is null");
    }

    @Override
    public String toString() {
      return path + ": " + message;
    }
  }

  private PolicyJson() {}

  /**
   * Reads a policy.
   *
   * @throws PolicyException {@link PolicyErrorCode#INVALID_POLICY} listing every problem
   */
  public static DatasetPolicy read(String json) {
    List<Problem> problems = new ArrayList<>();
    DatasetPolicy policy = parse(json, problems);
    if (!problems.isEmpty() || policy == null) {
      StringBuilder message = new StringBuilder("invalid policy:");
      for (Problem problem : problems) {
        message.append("\n  ").append(problem);
      }
      throw new PolicyException(PolicyErrorCode.INVALID_POLICY, message.toString());
    }
    return policy;
  }

  /** Every problem of a policy document; empty when {@link #read} would succeed. */
  public static List<Problem> problems(String json) {
    List<Problem> problems = new ArrayList<>();
    parse(json, problems);
    return List.copyOf(problems);
  }

  /** Writes a policy as JSON that {@link #read} reads back to an equal policy. */
  public static String write(DatasetPolicy policy) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("table", policy.table().toString());
    ArrayNode columns = root.putArray("columns");
    for (ColumnPolicy column : policy.columns()) {
      ObjectNode node = columns.addObject();
      node.put("name", column.name());
      node.put("type", column.type().toString());
      node.put("class", column.columnClass().name());
      if (column.bounds() != null) {
        ObjectNode bounds = node.putObject("bounds");
        bounds.put("lower", column.bounds().lower());
        bounds.put("upper", column.bounds().upper());
      }
      if (!column.allowedAggregates().isEmpty()) {
        ArrayNode aggregates = node.putArray("aggregates");
        EnumSet.copyOf(column.allowedAggregates()).forEach(a -> aggregates.add(a.name()));
      }
      if (column.linksToUnitOf() != null) {
        node.put("linksToUnitOf", column.linksToUnitOf().toString());
      }
      if (column.purpose() != null) {
        node.put("purpose", column.purpose());
      }
      if (!column.publicValues().isEmpty()) {
        ArrayNode values = node.putArray("publicValues");
        for (Object value : column.publicValues()) {
          if (value instanceof Long number) {
            values.add(number);
          } else {
            values.add((String) value);
          }
        }
      }
    }
    ArrayNode joins = root.putArray("allowedJoins");
    for (AllowedJoin join : policy.allowedJoins()) {
      ObjectNode node = joins.addObject();
      node.put("column", join.column());
      node.put("other", join.other().toString());
      node.put("otherColumn", join.otherColumn());
    }
    root.put("minimumDistinctUnits", policy.minimumDistinctUnits());
    PrivacyParameters privacy = policy.privacy();
    ObjectNode privacyNode = root.putObject("privacy");
    privacyNode.put("epsilonPerQuery", privacy.epsilonPerQuery());
    privacyNode.put("delta", privacy.delta());
    privacyNode.put("maxGroupsContributed", privacy.maxGroupsContributed());
    privacyNode.put("maxContributionsPerGroup", privacy.maxContributionsPerGroup());
    privacyNode.put("budget", privacy.budget());
    privacyNode.put("datasetBudget", privacy.datasetBudget());
    privacyNode.put("budgetRefresh", privacy.budgetRefresh().name());
    privacyNode.put("releaseRemainder", privacy.releaseRemainder());
    privacyNode.put("maxRowsPerJoinKey", privacy.maxRowsPerJoinKey());
    ArrayNode analysts = root.putArray("allowedAnalysts");
    new TreeSet<>(policy.allowedAnalysts()).forEach(analysts::add);
    if (policy.templatesOnly()) {
      root.put("queryMode", TEMPLATES_ONLY);
    }
    if (!policy.sensitiveSegments().isEmpty()) {
      ArrayNode segments = root.putArray("sensitiveSegments");
      policy.sensitiveSegments().forEach(segments::add);
    }
    if (policy.oneRowPerUnit()) {
      root.put("oneRowPerUnit", true);
    }
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a policy tree always serialises", e);
    }
  }

  /** {@code queryMode}: how analysts may read the table. */
  private static final String TEMPLATES_ONLY = "TEMPLATES_ONLY";

  private static final String FREE_SQL = "FREE_SQL";

  /** {@code sensitiveSegments}: DIMENSION columns of the table, each at its place. */
  private static Set<String> sensitiveSegments(
      JsonNode node, List<ColumnPolicy> columns, List<Problem> problems) {
    Set<String> segments = new LinkedHashSet<>();
    if (node == null || node.isNull()) {
      return segments;
    }
    if (!node.isArray()) {
      problems.add(new Problem("$.sensitiveSegments", "an array of DIMENSION column names"));
      return segments;
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "$.sensitiveSegments[" + i + "]";
      String name = text(node.get(i), path, problems);
      if (name == null) {
        continue;
      }
      boolean dimension =
          columns.stream()
              .anyMatch(c -> c.name().equals(name) && c.columnClass() == ColumnClass.DIMENSION);
      if (!dimension) {
        problems.add(
            new Problem(
                path,
                "'" + name + "' is not one of the table's DIMENSION columns: a segment must be"));
      } else if (!segments.add(name)) {
        problems.add(new Problem(path, "'" + name + "' is listed twice"));
      }
    }
    return segments;
  }

  /** Whether {@code queryMode} restricts the table to approved templates (default free SQL). */
  private static boolean queryMode(JsonNode node, List<Problem> problems) {
    if (node == null || node.isNull()) {
      return false;
    }
    String mode = node.isTextual() ? node.asText() : null;
    if (TEMPLATES_ONLY.equals(mode)) {
      return true;
    }
    if (!FREE_SQL.equals(mode)) {
      problems.add(
          new Problem(
              "$.queryMode", "queryMode is " + FREE_SQL + " (the default) or " + TEMPLATES_ONLY));
    }
    return false;
  }

  /** {@code oneRowPerUnit}: a boolean, false when absent. */
  private static boolean oneRowPerUnit(JsonNode node, List<Problem> problems) {
    if (node == null || node.isNull()) {
      return false;
    }
    if (!node.isBoolean()) {
      problems.add(
          new Problem(
              "$.oneRowPerUnit",
              "true when the table holds at most one row per privacy unit, else false"));
      return false;
    }
    return node.booleanValue();
  }

  private static DatasetPolicy parse(String json, List<Problem> problems) {
    requireNonNull(json, "json is null");
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      // Jackson's message can quote the document; report only where it broke.
      problems.add(
          new Problem(
              "$",
              "not valid JSON (line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr()
                  + ")"));
      return null;
    }
    if (root == null || !root.isObject()) {
      problems.add(new Problem("$", "a policy is a JSON object"));
      return null;
    }
    unknownFields(root, "$", POLICY_FIELDS, problems);
    TableName table = tableName(root.get("table"), "$.table", true, problems);
    List<ColumnPolicy> columns = columns(root.get("columns"), problems);
    List<AllowedJoin> joins = joins(root.get("allowedJoins"), problems);
    Integer minimumDistinctUnits =
        integer(
            root.get("minimumDistinctUnits"),
            "$.minimumDistinctUnits",
            DatasetPolicy.DEFAULT_MINIMUM_DISTINCT_UNITS,
            problems);
    PrivacyParameters privacy = privacy(root.get("privacy"), problems);
    Set<String> analysts = analysts(root.get("allowedAnalysts"), problems);
    boolean templatesOnly = queryMode(root.get("queryMode"), problems);
    Set<String> segments = sensitiveSegments(root.get("sensitiveSegments"), columns, problems);
    boolean oneRowPerUnit = oneRowPerUnit(root.get("oneRowPerUnit"), problems);
    if (!problems.isEmpty()) {
      return null;
    }
    try {
      return new DatasetPolicy(
          table,
          columns,
          joins,
          minimumDistinctUnits,
          privacy,
          analysts,
          templatesOnly,
          segments,
          oneRowPerUnit);
    } catch (IllegalArgumentException | NullPointerException e) {
      problems.add(new Problem("$", e.getMessage()));
      return null;
    }
  }

  private static List<ColumnPolicy> columns(JsonNode node, List<Problem> problems) {
    List<ColumnPolicy> columns = new ArrayList<>();
    if (node == null || !node.isArray() || node.isEmpty()) {
      problems.add(new Problem("$.columns", "required: a non-empty array of column classes"));
      return columns;
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "$.columns[" + i + "]";
      JsonNode column = node.get(i);
      if (!column.isObject()) {
        problems.add(new Problem(path, "a column is an object"));
        continue;
      }
      unknownFields(column, path, COLUMN_FIELDS, problems);
      String name = text(column.get("name"), path + ".name", problems);
      String typeName = text(column.get("type"), path + ".type", problems);
      String className = text(column.get("class"), path + ".class", problems);
      ColumnType type = null;
      if (typeName != null) {
        try {
          type = ColumnType.parse(typeName);
        } catch (IllegalArgumentException e) {
          problems.add(new Problem(path + ".type", e.getMessage()));
        }
      }
      ColumnClass columnClass = enumValue(ColumnClass.class, className, path + ".class", problems);
      MetricBounds bounds = bounds(column.get("bounds"), path + ".bounds", problems);
      Set<MetricAggregate> aggregates =
          aggregates(column.get("aggregates"), path + ".aggregates", problems);
      TableName linksTo =
          tableName(column.get("linksToUnitOf"), path + ".linksToUnitOf", false, problems);
      List<Object> publicValues =
          publicValues(column.get("publicValues"), path + ".publicValues", problems);
      JsonNode purposeNode = column.get("purpose");
      String purpose =
          purposeNode == null || purposeNode.isNull()
              ? null
              : text(purposeNode, path + ".purpose", problems);
      if (purpose != null && !ColumnPolicy.PURPOSE.matcher(purpose).matches()) {
        problems.add(
            new Problem(
                path + ".purpose",
                "a purpose is a lower-case identifier of at most 32 characters ([a-z][a-z0-9_]*)"));
        continue;
      }
      if (purpose != null && columnClass != null && columnClass != ColumnClass.CONSENT) {
        problems.add(new Problem(path + ".purpose", "only a CONSENT column has a purpose"));
        continue;
      }
      if (name == null || type == null || columnClass == null || publicValues == null) {
        continue;
      }
      try {
        publicValues = ColumnPolicy.publicValues(name, type, columnClass, publicValues);
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(path + ".publicValues", e.getMessage()));
        continue;
      }
      if (columnClass == ColumnClass.METRIC && column.get("aggregates") == null) {
        aggregates = EnumSet.allOf(MetricAggregate.class);
      }
      try {
        columns.add(
            new ColumnPolicy(
                name, type, columnClass, bounds, aggregates, linksTo, publicValues, purpose));
      } catch (IllegalArgumentException e) {
        problems.add(new Problem(path, e.getMessage()));
      }
    }
    return columns;
  }

  private static MetricBounds bounds(JsonNode node, String path, List<Problem> problems) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      problems.add(new Problem(path, "bounds are an object {lower, upper}"));
      return null;
    }
    unknownFields(node, path, BOUNDS_FIELDS, problems);
    BigDecimal lower = decimal(node.get("lower"), path + ".lower", null, problems);
    BigDecimal upper = decimal(node.get("upper"), path + ".upper", null, problems);
    if (lower == null || upper == null) {
      return null;
    }
    try {
      return new MetricBounds(lower, upper);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(path, e.getMessage()));
      return null;
    }
  }

  private static Set<MetricAggregate> aggregates(
      JsonNode node, String path, List<Problem> problems) {
    Set<MetricAggregate> aggregates = EnumSet.noneOf(MetricAggregate.class);
    if (node == null || node.isNull()) {
      return aggregates;
    }
    if (!node.isArray()) {
      problems.add(new Problem(path, "aggregates are an array of COUNT, SUM, AVG"));
      return aggregates;
    }
    for (int i = 0; i < node.size(); i++) {
      MetricAggregate aggregate =
          enumValue(
              MetricAggregate.class,
              text(node.get(i), path + "[" + i + "]", problems),
              path + "[" + i + "]",
              problems);
      if (aggregate != null) {
        aggregates.add(aggregate);
      }
    }
    return aggregates;
  }

  /**
   * Published values as JSON gives them: strings or whole numbers (checked against the column's
   * type by {@link ColumnPolicy}); {@code null} after a problem.
   */
  private static List<Object> publicValues(JsonNode node, String path, List<Problem> problems) {
    List<Object> values = new ArrayList<>();
    if (node == null || node.isNull()) {
      return values;
    }
    if (!node.isArray()) {
      problems.add(new Problem(path, "published values are an array of strings or numbers"));
      return null;
    }
    for (int i = 0; i < node.size(); i++) {
      JsonNode value = node.get(i);
      if (value.isTextual()) {
        values.add(value.textValue());
      } else if (value.isIntegralNumber() && value.canConvertToLong()) {
        values.add(value.longValue());
      } else {
        problems.add(new Problem(path + "[" + i + "]", "must be a string or a whole number"));
        return null;
      }
    }
    return values;
  }

  private static List<AllowedJoin> joins(JsonNode node, List<Problem> problems) {
    List<AllowedJoin> joins = new ArrayList<>();
    if (node == null || node.isNull()) {
      return joins;
    }
    if (!node.isArray()) {
      problems.add(new Problem("$.allowedJoins", "allowed joins are an array"));
      return joins;
    }
    for (int i = 0; i < node.size(); i++) {
      String path = "$.allowedJoins[" + i + "]";
      JsonNode join = node.get(i);
      if (!join.isObject()) {
        problems.add(
            new Problem(path, "an allowed join is an object {column, other, otherColumn}"));
        continue;
      }
      unknownFields(join, path, JOIN_FIELDS, problems);
      String column = text(join.get("column"), path + ".column", problems);
      TableName other = tableName(join.get("other"), path + ".other", true, problems);
      String otherColumn = text(join.get("otherColumn"), path + ".otherColumn", problems);
      if (column != null && other != null && otherColumn != null) {
        joins.add(new AllowedJoin(column, other, otherColumn));
      }
    }
    return joins;
  }

  private static PrivacyParameters privacy(JsonNode node, List<Problem> problems) {
    String path = "$.privacy";
    if (node == null || !node.isObject()) {
      problems.add(
          new Problem(path, "required: an object with the differential-privacy parameters"));
      return null;
    }
    unknownFields(node, path, PRIVACY_FIELDS, problems);
    BigDecimal epsilon =
        decimal(node.get("epsilonPerQuery"), path + ".epsilonPerQuery", null, problems);
    BigDecimal delta = decimal(node.get("delta"), path + ".delta", null, problems);
    Integer maxGroups =
        integer(node.get("maxGroupsContributed"), path + ".maxGroupsContributed", null, problems);
    Integer maxContributions =
        integer(
            node.get("maxContributionsPerGroup"),
            path + ".maxContributionsPerGroup",
            PrivacyParameters.DEFAULT_MAX_CONTRIBUTIONS_PER_GROUP,
            problems);
    Integer maxRowsPerJoinKey =
        integer(
            node.get("maxRowsPerJoinKey"),
            path + ".maxRowsPerJoinKey",
            PrivacyParameters.DEFAULT_MAX_ROWS_PER_JOIN_KEY,
            problems);
    BigDecimal budget = decimal(node.get("budget"), path + ".budget", null, problems);
    // Absent: one budget shared by all analysts, so k analysts together learn what one could.
    JsonNode datasetBudgetNode = node.get("datasetBudget");
    boolean datasetBudgetGiven = datasetBudgetNode != null && !datasetBudgetNode.isNull();
    BigDecimal datasetBudget =
        datasetBudgetGiven
            ? decimal(datasetBudgetNode, path + ".datasetBudget", null, problems)
            : budget;
    if (datasetBudgetGiven
        && datasetBudget != null
        && epsilon != null
        && datasetBudget.compareTo(epsilon) < 0) {
      // Reported at its own path here; the constructor's message could only be placed at $.privacy.
      problems.add(
          new Problem(
              path + ".datasetBudget",
              "must be >= epsilonPerQuery ("
                  + epsilon.toPlainString()
                  + "), or not even one query could run"));
      datasetBudget = null;
    }
    BudgetRefresh refresh = BudgetRefresh.NONE;
    if (node.get("budgetRefresh") != null) {
      refresh =
          enumValue(
              BudgetRefresh.class,
              text(node.get("budgetRefresh"), path + ".budgetRefresh", problems),
              path + ".budgetRefresh",
              problems);
    }
    boolean releaseRemainder = false;
    JsonNode remainder = node.get("releaseRemainder");
    if (remainder != null) {
      if (remainder.isBoolean()) {
        releaseRemainder = remainder.booleanValue();
      } else {
        problems.add(new Problem(path + ".releaseRemainder", "must be true or false"));
      }
    }
    if (epsilon == null
        || delta == null
        || maxGroups == null
        || maxContributions == null
        || maxRowsPerJoinKey == null
        || budget == null
        || datasetBudget == null
        || refresh == null) {
      return null;
    }
    try {
      return new PrivacyParameters(
          epsilon,
          delta.doubleValue(),
          maxGroups,
          maxContributions,
          budget,
          datasetBudget,
          refresh,
          releaseRemainder,
          maxRowsPerJoinKey);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(path, e.getMessage()));
      return null;
    }
  }

  private static Set<String> analysts(JsonNode node, List<Problem> problems) {
    Set<String> analysts = new LinkedHashSet<>();
    if (node == null || !node.isArray()) {
      problems.add(new Problem("$.allowedAnalysts", "required: an array of member names"));
      return analysts;
    }
    for (int i = 0; i < node.size(); i++) {
      String analyst = text(node.get(i), "$.allowedAnalysts[" + i + "]", problems);
      if (analyst != null) {
        analysts.add(analyst);
      }
    }
    return analysts;
  }

  private static void unknownFields(
      JsonNode node, String path, Set<String> known, List<Problem> problems) {
    for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        problems.add(
            new Problem(path + "." + name, "unknown field; known fields: " + new TreeSet<>(known)));
      }
    }
  }

  private static String text(JsonNode node, String path, List<Problem> problems) {
    if (node == null || node.isNull()) {
      problems.add(new Problem(path, "required"));
      return null;
    }
    if (!node.isTextual() || node.textValue().isBlank()) {
      problems.add(new Problem(path, "must be a non-blank string"));
      return null;
    }
    return node.textValue();
  }

  private static TableName tableName(
      JsonNode node, String path, boolean required, List<Problem> problems) {
    if ((node == null || node.isNull()) && !required) {
      return null;
    }
    String text = text(node, path, problems);
    if (text == null) {
      return null;
    }
    try {
      return TableName.parse(text);
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(path, e.getMessage()));
      return null;
    }
  }

  private static <E extends Enum<E>> E enumValue(
      Class<E> type, String text, String path, List<Problem> problems) {
    if (text == null) {
      return null;
    }
    try {
      return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      problems.add(new Problem(path, "'" + text + "' is not one of " + EnumSet.allOf(type)));
      return null;
    }
  }

  private static Integer integer(
      JsonNode node, String path, Integer defaultValue, List<Problem> problems) {
    if (node == null || node.isNull()) {
      if (defaultValue == null) {
        problems.add(new Problem(path, "required"));
      }
      return defaultValue;
    }
    if (!node.isIntegralNumber() || !node.canConvertToInt()) {
      problems.add(new Problem(path, "must be an integer"));
      return null;
    }
    return node.intValue();
  }

  private static BigDecimal decimal(
      JsonNode node, String path, BigDecimal defaultValue, List<Problem> problems) {
    if (node == null || node.isNull()) {
      if (defaultValue == null) {
        problems.add(new Problem(path, "required"));
      }
      return defaultValue;
    }
    if (!node.isNumber()) {
      problems.add(new Problem(path, "must be a number"));
      return null;
    }
    return node.decimalValue();
  }
}
