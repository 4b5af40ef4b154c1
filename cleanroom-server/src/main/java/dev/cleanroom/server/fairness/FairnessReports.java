package dev.cleanroom.server.fairness;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.budget.BudgetAccounts;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.fairness.FairnessRequests.FairnessReport;
import dev.cleanroom.server.fairness.FairnessRequests.FairnessRequest;
import dev.cleanroom.server.policy.QueryCatalog;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.query.Answer;
import dev.cleanroom.server.query.Explanation;
import dev.cleanroom.server.query.QueryOptions;
import dev.cleanroom.server.query.QueryService;
import dev.cleanroom.spi.TableName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlJoin;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.dialect.CalciteSqlDialect;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.parser.SqlParserPos;

/**
 * Fairness reports: a reach question split by a segment the privacy officer declared sensitive,
 * beside the population of each segment, so that each segment's reach rate, its interval and its
 * disparity against the overall rate can be read. Both parts are ordinary queries composed on the
 * analyst's parsed SQL (the segment added to its output and grouping) and from the policy's names,
 * then analysed on their plans, charged, noised and released as any query; everything in the report
 * is computed from the released values and their intervals (post-processing).
 */
@ApplicationScoped
public class FairnessReports {
  /** The four-fifths rule of thumb: a rate below 80% of the overall one is flagged. */
  static final double FOUR_FIFTHS = 0.8;

  private final QueryService queries;
  private final QueryCatalog catalog;
  private final AuditLog audit;
  private final DatasetCatalog datasets;
  private final BudgetAccounts budgets;
  private final Clock clock;

  @Inject
  public FairnessReports(
      QueryService queries,
      QueryCatalog catalog,
      AuditLog audit,
      DatasetCatalog datasets,
      BudgetAccounts budgets,
      Clock clock) {
    this.queries = queries;
    this.catalog = catalog;
    this.audit = audit;
    this.datasets = datasets;
    this.budgets = budgets;
    this.clock = clock;
  }

  /**
   * Refuses the report (429 budget-exhausted, nothing charged) when what the analyst has left on a
   * dataset does not cover both parts' epsilon there, so that a report is not cut in half by a
   * budget that could only pay for its first part. Queries running at the same time can still spend
   * the rest between the two parts; then the second part is refused as any query would be.
   */
  private void requireBudgetForBothParts(
      Caller analyst, List<Explanation> parts, Map<TableName, DatasetPolicy> policies) {
    Map<String, BigDecimal> needed = new TreeMap<>();
    for (Explanation part : parts) {
      for (String table : part.tables()) {
        needed.merge(table, part.epsilon(), BigDecimal::add);
      }
    }
    Instant now = clock.instant();
    for (Map.Entry<String, BigDecimal> need : needed.entrySet()) {
      TableName table = TableName.parse(need.getKey());
      Dataset dataset = datasets.require(analyst.collaborationId(), table.dataset());
      BigDecimal left = budgets.balance(analyst, dataset, policies.get(table), now).remaining();
      if (left.compareTo(need.getValue()) < 0) {
        throw new PolicyException(
            PolicyErrorCode.BUDGET_EXHAUSTED,
            "the fairness report needs "
                + need.getValue().stripTrailingZeros().toPlainString()
                + " on dataset '"
                + need.getKey()
                + "' for its two parts, and "
                + left.stripTrailingZeros().toPlainString()
                + " is left; nothing was charged");
      }
    }
  }

  /** Builds, checks (nothing charged on a refusal), runs and reports. */
  public FairnessReport report(Caller analyst, FairnessRequest request) {
    SqlSelect reach = reachQuestion(request.reach());
    Map<TableName, DatasetPolicy> policies =
        catalog.forAnalyst(analyst.collaborationId(), analyst.member()).context().policies();
    Segmented segmented = segment(reach, request.segment(), policies);
    QueryOptions options = QueryOptions.DEFAULT.withPurpose(request.purpose());
    String reachSql = segmented.reachSql();
    String populationSql = segmented.populationSql();
    // Both parts are analysed before either is charged: a refusal costs nothing.
    List<Explanation> parts = new ArrayList<>();
    for (String part : List.of(reachSql, populationSql)) {
      Explanation checked = queries.explain(analyst, part, options);
      if (!checked.accepted()) {
        throw new ServerException(
            ServerErrorCode.POLICY_VIOLATION,
            "a part of the fairness report violates the policy",
            checked.violations());
      }
      parts.add(checked);
    }
    requireBudgetForBothParts(analyst, parts, policies);
    Answer reached = queries.ask(analyst, reachSql, options);
    Answer population = queries.ask(analyst, populationSql, options);
    FairnessReport report =
        FairnessMath.report(
            segmented.table().qualify(request.segment()), request.purpose(), reached, population);
    audit.append(
        analyst.collaborationId(),
        new AuditEntry(
            analyst.member(),
            "FAIRNESS_REPORT",
            List.of(segmented.table().toString()),
            "segment="
                + segmented.table().qualify(request.segment())
                + " parts="
                + reached.queryId()
                + ","
                + population.queryId()
                + " purpose="
                + (request.purpose() == null ? "none" : request.purpose())
                + " segmentsShown="
                + report.segments().size(),
            report.epsilonSpent(),
            "SUCCESS"));
    return report;
  }

  /** The analyst's SQL if it is one {@code COUNT(DISTINCT ...)} without grouping; else 422. */
  private static SqlSelect reachQuestion(String sql) {
    SqlNode parsed;
    try {
      parsed = SqlParser.create(sql, QueryAnalyzer.parserConfig()).parseQuery();
    } catch (SqlParseException e) {
      throw notAReachQuestion("it does not parse");
    }
    if (!(parsed instanceof SqlSelect select)) {
      throw notAReachQuestion("it is not a single SELECT (no ORDER BY, LIMIT or set operation)");
    }
    if (select.getGroup() != null
        || select.getHaving() != null
        || select.getSelectList().size() != 1
        || select.isDistinct()) {
      throw notAReachQuestion("it must select one COUNT(DISTINCT ...) and group by nothing");
    }
    SqlNode item = select.getSelectList().get(0);
    if (item.getKind() == SqlKind.AS) {
      item = ((SqlCall) item).operand(0);
    }
    if (!(item instanceof SqlBasicCall call)
        // Before validation COUNT is an unresolved function: known by its name.
        || !call.getOperator().getName().equalsIgnoreCase("COUNT")
        || call.getFunctionQuantifier() == null
        || !"DISTINCT".equalsIgnoreCase(call.getFunctionQuantifier().toValue())) {
      throw notAReachQuestion("its one output must be COUNT(DISTINCT ...)");
    }
    return select;
  }

  /** The two parts' SQL, and the table whose policy declares the segment sensitive. */
  private record Segmented(TableName table, String reachSql, String populationSql) {}

  private static Segmented segment(
      SqlSelect reach, String segment, Map<TableName, DatasetPolicy> policies) {
    List<TableRef> tables = new ArrayList<>();
    collectTables(reach.getFrom(), tables);
    TableRef found = null;
    for (TableRef ref : tables) {
      DatasetPolicy policy = policies.get(ref.table());
      if (policy != null && policy.sensitiveSegments().contains(segment)) {
        found = ref;
      }
    }
    if (found == null) {
      throw new ServerException(
          ServerErrorCode.FAIRNESS_SEGMENT_NOT_SENSITIVE,
          "no table the question reads declares '"
              + segment
              + "' a sensitive segment (the privacy officer lists them in the policy's"
              + " sensitiveSegments)");
    }
    TableRef sensitive = found;
    DatasetPolicy policy = policies.get(sensitive.table());
    ColumnPolicy unit =
        policy.columns().stream()
            .filter(c -> c.columnClass() == ColumnClass.PRIVACY_UNIT)
            .findFirst()
            .orElseThrow(
                () ->
                    new ServerException(
                        ServerErrorCode.FAIRNESS_SEGMENT_NOT_SENSITIVE,
                        sensitive.table()
                            + " has no privacy unit of its own to count a population"));
    SqlIdentifier segmentColumn =
        new SqlIdentifier(List.of(found.alias(), segment), SqlParserPos.ZERO);
    SqlNodeList select = new SqlNodeList(SqlParserPos.ZERO);
    select.add(as(segmentColumn, "segment"));
    SqlNode count = reach.getSelectList().get(0);
    if (count.getKind() == SqlKind.AS) {
      count = ((SqlCall) count).operand(0);
    }
    select.add(as(count, "reach"));
    reach.setSelectList(select);
    reach.setGroupBy(SqlNodeList.of(segmentColumn));
    String reachSql = unparse(reach);
    String populationSql =
        "SELECT "
            + quoted(segment)
            + " AS segment, COUNT(DISTINCT "
            + quoted(unit.name())
            + ") AS population FROM "
            + quoted(found.table().member())
            + "."
            + quoted(found.table().dataset())
            + " GROUP BY "
            + quoted(segment);
    return new Segmented(found.table(), reachSql, populationSql);
  }

  /** A table of the FROM clause and the name it goes by there. */
  private record TableRef(TableName table, String alias) {}

  private static void collectTables(SqlNode from, List<TableRef> tables) {
    if (from instanceof SqlJoin join) {
      collectTables(join.getLeft(), tables);
      collectTables(join.getRight(), tables);
    } else if (from != null && from.getKind() == SqlKind.AS) {
      SqlCall as = (SqlCall) from;
      TableName table = tableOf(as.operand(0));
      if (table != null) {
        tables.add(new TableRef(table, ((SqlIdentifier) as.operand(1)).getSimple()));
      }
    } else {
      TableName table = tableOf(from);
      if (table != null) {
        tables.add(new TableRef(table, table.dataset()));
      }
    }
  }

  /** The table an identifier of the FROM clause names ({@code member.dataset}), else null. */
  private static TableName tableOf(SqlNode node) {
    if (!(node instanceof SqlIdentifier identifier) || identifier.isSimple()) {
      return null;
    }
    try {
      return TableName.parse(identifier.toString());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static SqlNode as(SqlNode node, String alias) {
    return SqlStdOperatorTable.AS.createCall(
        SqlParserPos.ZERO, node, new SqlIdentifier(alias, SqlParserPos.ZERO));
  }

  private static String unparse(SqlNode node) {
    return node.toSqlString(CalciteSqlDialect.DEFAULT).getSql();
  }

  private static String quoted(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  private static ServerException notAReachQuestion(String why) {
    return new ServerException(
        ServerErrorCode.FAIRNESS_NOT_A_REACH_QUESTION,
        "'reach' must be a reach question such as SELECT COUNT(DISTINCT c.customer_id) AS reach"
            + " FROM ... WHERE ...: "
            + why);
  }
}
