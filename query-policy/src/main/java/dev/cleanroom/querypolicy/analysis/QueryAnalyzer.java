package dev.cleanroom.querypolicy.analysis;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.lineage.CanonicalScanOrder;
import dev.cleanroom.querypolicy.lineage.LineageChecker;
import dev.cleanroom.querypolicy.lineage.PlanFlattener;
import dev.cleanroom.querypolicy.release.ReleaseOptions;
import dev.cleanroom.querypolicy.rewrite.PrivateRewriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.apache.calcite.avatica.util.Casing;
import org.apache.calcite.avatica.util.Quoting;
import org.apache.calcite.config.CalciteConnectionConfigImpl;
import org.apache.calcite.config.CalciteConnectionProperty;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.prepare.CalciteCatalogReader;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.runtime.CalciteContextException;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.parser.SqlParseException;
import org.apache.calcite.sql.parser.SqlParser;
import org.apache.calcite.sql.validate.SqlConformance;
import org.apache.calcite.sql.validate.SqlConformanceEnum;
import org.apache.calcite.sql.validate.SqlDelegatingConformance;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.sql2rel.SqlToRelConverter;

/**
 * Analyses an analyst's SQL: parses and validates it against the analyst's catalog, checks the
 * lineage of every expression against the policies, and rewrites an accepted query into its private
 * plan. Stateless and thread-safe.
 */
public final class QueryAnalyzer {
  private static final SqlParser.Config PARSER =
      SqlParser.config()
          .withQuoting(Quoting.DOUBLE_QUOTE)
          .withUnquotedCasing(Casing.UNCHANGED)
          .withQuotedCasing(Casing.UNCHANGED)
          .withCaseSensitive(false)
          .withConformance(SqlConformanceEnum.DEFAULT);

  /** The parser configuration of analysts' SQL, for servers that compose SQL on its parse tree. */
  public static SqlParser.Config parserConfig() {
    return PARSER;
  }

  /**
   * Standard SQL, except that CASE over literals of different lengths is VARCHAR, not padded CHAR.
   */
  private static final SqlConformance CONFORMANCE =
      new SqlDelegatingConformance(SqlConformanceEnum.DEFAULT) {
        @Override
        public boolean shouldConvertRaggedUnionTypesToVarying() {
          return true;
        }
      };

  /**
   * Analyses one query.
   *
   * @return the violations, or the accepted private query
   * @throws PolicyException {@link PolicyErrorCode#MALFORMED_SQL} for SQL that does not parse or
   *     validate, {@link PolicyErrorCode#UNKNOWN_OBJECT} for a table or column the analyst cannot
   *     see, {@link PolicyErrorCode#QUERY_TOO_COMPLEX} beyond the size and depth limits
   */
  public AnalysisResult analyze(String sql, AnalysisContext context) {
    return analyze(sql, context, ReleaseOptions.DEFAULT);
  }

  /**
   * Analyses one query asked with release options (part of the question: they enter the private
   * query's release spec and digest).
   *
   * @see #analyze(String, AnalysisContext)
   */
  public AnalysisResult analyze(String sql, AnalysisContext context, ReleaseOptions options) {
    requireNonNull(sql, "sql is null");
    requireNonNull(context, "context is null");
    requireNonNull(options, "options is null");
    SqlTextLimits.check(sql);
    try {
      return analyzeWithinLimits(sql, context, options);
    } catch (PolicyException e) {
      throw e;
    } catch (StackOverflowError | StructureCheck.TooDeep e) {
      throw new PolicyException(
          PolicyErrorCode.QUERY_TOO_COMPLEX, "query too complex: it nests too deeply");
    } catch (RuntimeException | AssertionError e) {
      // Calcite's internal failures carry messages about its internals; none of it is useful or
      // safe to pass on, and no data has been read yet, so a generic refusal is honest.
      throw new PolicyException(
          PolicyErrorCode.MALFORMED_SQL, "the query could not be analysed: unsupported SQL", e);
    }
  }

  private AnalysisResult analyzeWithinLimits(
      String sql, AnalysisContext context, ReleaseOptions options) {
    SqlNode statement = parse(sql);
    if (statement == null) {
      return new AnalysisResult.Rejected(
          List.of(
              new Violation(
                  ViolationCode.STATEMENT_NOT_ALLOWED,
                  null,
                  1,
                  1,
                  "exactly one SELECT statement is allowed")));
    }
    SqlSourcePositions positions = new SqlSourcePositions(statement);
    List<Violation> structure = StructureCheck.check(statement);
    if (structure.stream().anyMatch(v -> v.code() == ViolationCode.STATEMENT_NOT_ALLOWED)) {
      return new AnalysisResult.Rejected(structure);
    }
    statement = DateTruncRewrite.rewrite(statement, PARSER);

    JavaTypeFactoryImpl typeFactory = new JavaTypeFactoryImpl(AnalystTypes.TYPE_SYSTEM);
    Properties properties = new Properties();
    properties.setProperty(CalciteConnectionProperty.CASE_SENSITIVE.camelName(), "false");
    CalciteCatalogReader catalogReader =
        new CalciteCatalogReader(
            CalciteSchema.from(context.rootSchema()),
            List.of(),
            typeFactory,
            new CalciteConnectionConfigImpl(properties));
    SqlValidator validator =
        SqlValidatorUtil.newValidator(
            AllowedFunctions.TABLE,
            catalogReader,
            typeFactory,
            SqlValidator.Config.DEFAULT
                .withIdentifierExpansion(true)
                .withConformance(CONFORMANCE)
                .withTypeCoercionRules(AnalystTypes.CAST_RULES));
    SqlNode validated;
    try {
      validated = validator.validate(statement);
    } catch (CalciteContextException e) {
      if (!structure.isEmpty()) {
        return new AnalysisResult.Rejected(structure);
      }
      return validationFailure(e);
    }
    RelOptCluster cluster =
        RelOptCluster.create(
            new HepPlanner(HepProgram.builder().build()), new RexBuilder(typeFactory));
    SqlToRelConverter converter =
        new SqlToRelConverter(
            (rowType, queryString, schemaPath, viewPath) -> {
              throw new PolicyException(PolicyErrorCode.UNKNOWN_OBJECT, "views are not supported");
            },
            validator,
            catalogReader,
            cluster,
            AnalystTypes.CONVERTLETS,
            SqlToRelConverter.config()
                .withTrimUnusedFields(false)
                .withExpand(false)
                .withInSubQueryThreshold(Integer.MAX_VALUE));
    RelRoot root = converter.convertQuery(validated, false, true);

    PlanFlattener.Result flattened =
        PlanFlattener.flatten(root, context.policies(), context.purpose());
    // One scan order whatever the FROM clause's, so equivalent joins are one query.
    LineageChecker.Result checked =
        LineageChecker.check(
            CanonicalScanOrder.apply(flattened.query()),
            cluster.getRexBuilder(),
            context.analyst(),
            positions);
    List<Violation> violations = merge(structure, flattened.violations(), checked.violations());
    if (!violations.isEmpty()) {
      return new AnalysisResult.Rejected(violations);
    }
    return new AnalysisResult.Accepted(
        PrivateRewriter.rewrite(checked.query(), cluster, context.contributionKey(), options));
  }

  /** The single statement, or {@code null} when the text holds several. */
  private static SqlNode parse(String sql) {
    SqlNodeList statements;
    try {
      statements = SqlParser.create(sql, PARSER).parseStmtList();
    } catch (SqlParseException e) {
      String first = e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
      int line = e.getPos() == null ? 1 : Math.max(1, e.getPos().getLineNum());
      int column = e.getPos() == null ? 1 : Math.max(1, e.getPos().getColumnNum());
      throw new PolicyException(
          PolicyErrorCode.MALFORMED_SQL,
          "syntax error at line " + line + ", column " + column + ": " + abbreviate(first));
    }
    return statements.size() == 1 ? statements.get(0) : null;
  }

  private static AnalysisResult validationFailure(CalciteContextException e) {
    String message =
        e.getCause() != null && e.getCause().getMessage() != null
            ? e.getCause().getMessage()
            : String.valueOf(e.getMessage());
    int line = Math.max(1, e.getPosLine());
    int column = Math.max(1, e.getPosColumn());
    if (message.startsWith("No match found for function signature")) {
      return new AnalysisResult.Rejected(
          List.of(
              new Violation(
                  ViolationCode.FUNCTION_NOT_ALLOWED,
                  null,
                  line,
                  column,
                  "this function is not on the allow-list, or not for these argument types")));
    }
    PolicyErrorCode code =
        message.contains("not found")
            ? PolicyErrorCode.UNKNOWN_OBJECT
            : PolicyErrorCode.MALFORMED_SQL;
    throw new PolicyException(
        code, "line " + line + ", column " + column + ": " + abbreviate(message));
  }

  private static List<Violation> merge(
      List<Violation> structure, List<Violation> shape, List<Violation> lineage) {
    List<Violation> all = new ArrayList<>(structure);
    Set<ViolationCode> shapeCodes = new HashSet<>();
    for (Violation violation : shape) {
      // The flattener has no positions and, once the structural check refused a construct, only
      // sees its consequences in the plan; one violation per code is enough.
      if (structure.isEmpty() && shapeCodes.add(violation.code())) {
        all.add(violation);
      }
    }
    for (Violation violation : lineage) {
      // Once a construct is refused, rules about the query's shape only echo it; column rules
      // still say something new.
      if (structure.isEmpty() || violation.column() != null) {
        all.add(violation);
      }
    }
    return all;
  }

  private static String abbreviate(String text) {
    return text.length() <= 300 ? text : text.substring(0, 300) + "...";
  }
}
