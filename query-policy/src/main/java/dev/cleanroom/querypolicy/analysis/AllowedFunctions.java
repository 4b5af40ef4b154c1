package dev.cleanroom.querypolicy.analysis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.fun.SqlLibraryOperators;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.validate.SqlNameMatcher;

/**
 * The validator's operator table: Calcite's standard operators, but of the named functions only the
 * allow-listed ones. Anything else an analyst calls by name (system, file, XML, JSON, random,
 * current time, user-defined) is unknown to the validator. The lineage check refuses, on the plan,
 * the operators its engines do not evaluate.
 */
final class AllowedFunctions implements SqlOperatorTable {
  static final SqlOperatorTable TABLE = new AllowedFunctions();

  /** Upper-case names the analyst may call. MIN/MAX resolve so lineage can name their column. */
  static final Set<String> NAMES =
      Set.of(
          "COUNT",
          "SUM",
          "AVG",
          // Released from three noised parts each (see docs/PRIVACY.md, "Variance").
          "VAR_POP",
          "VAR_SAMP",
          "VARIANCE",
          "STDDEV_POP",
          "STDDEV_SAMP",
          "STDDEV",
          // Released from one noised histogram per metric (see docs/PRIVACY.md, "Quantiles").
          "PERCENTILE_CONT",
          "PERCENTILE_DISC",
          // Released from three noised parts each (see docs/PRIVACY.md, "Variance").
          "MIN",
          "MAX",
          "UPPER",
          "LOWER",
          "CHAR_LENGTH",
          "CHARACTER_LENGTH",
          "COALESCE",
          "NULLIF",
          "SUBSTRING",
          "TRIM",
          "FLOOR",
          "CEIL",
          "CEILING",
          "EXTRACT",
          "CAST",
          "YEAR",
          "QUARTER",
          "MONTH",
          "WEEK",
          "DAYOFMONTH",
          "DAYOFWEEK",
          "HOUR",
          "ROUND",
          "APPROX_COUNT_DISTINCT",
          "LEAST",
          "GREATEST");

  /** Aggregates refused by name, so the violation says "aggregate" rather than "function". */
  static final Set<String> REFUSED_AGGREGATES =
      Set.of(
          "LISTAGG",
          "ARRAY_AGG",
          "STRING_AGG",
          "GROUP_CONCAT",
          "ANY_VALUE",
          "SOME",
          "EVERY",
          "FIRST_VALUE",
          "LAST_VALUE",
          "NTH_VALUE",
          "MODE",
          "MEDIAN",
          "COVAR_POP",
          "COVAR_SAMP",
          "CORR",
          "REGR_COUNT",
          "BIT_AND",
          "BIT_OR",
          "BIT_XOR",
          "BOOL_AND",
          "BOOL_OR",
          "ARG_MIN",
          "ARG_MAX",
          "MIN_BY",
          "MAX_BY",
          "COLLECT",
          "FUSION",
          "INTERSECTION",
          "SINGLE_VALUE",
          "ARRAY_CONCAT_AGG",
          "LOGICAL_AND",
          "LOGICAL_OR");

  private static final SqlOperatorTable STANDARD = SqlStdOperatorTable.instance();

  /**
   * Library operators the engines evaluate: PostgreSQL's case-insensitive LIKE, and LEAST and
   * GREATEST, which analysts use to clamp per-person values.
   */
  private static final SqlOperatorTable LIBRARY =
      SqlOperatorTables.of(
          SqlLibraryOperators.ILIKE,
          SqlLibraryOperators.NOT_ILIKE,
          SqlLibraryOperators.LEAST,
          SqlLibraryOperators.GREATEST);

  private AllowedFunctions() {}

  static boolean isAllowedName(String name) {
    return NAMES.contains(name.toUpperCase(Locale.ROOT));
  }

  private static boolean allowed(SqlOperator operator) {
    SqlSyntax syntax = operator.getSyntax();
    boolean named =
        syntax == SqlSyntax.FUNCTION
            || syntax == SqlSyntax.FUNCTION_ID
            || syntax == SqlSyntax.FUNCTION_STAR
            || syntax == SqlSyntax.ORDERED_FUNCTION;
    return !named || isAllowedName(operator.getName());
  }

  @Override
  public void lookupOperatorOverloads(
      SqlIdentifier opName,
      SqlFunctionCategory category,
      SqlSyntax syntax,
      List<SqlOperator> operatorList,
      SqlNameMatcher nameMatcher) {
    List<SqlOperator> found = new ArrayList<>();
    STANDARD.lookupOperatorOverloads(opName, category, syntax, found, nameMatcher);
    LIBRARY.lookupOperatorOverloads(opName, category, syntax, found, nameMatcher);
    for (SqlOperator operator : found) {
      if (allowed(operator)) {
        operatorList.add(operator);
      }
    }
  }

  @Override
  public List<SqlOperator> getOperatorList() {
    List<SqlOperator> operators = new ArrayList<>(STANDARD.getOperatorList());
    operators.addAll(LIBRARY.getOperatorList());
    return operators.stream().filter(AllowedFunctions::allowed).toList();
  }
}
