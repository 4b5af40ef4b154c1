package dev.cleanroom.querypolicy.analysis;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;

/**
 * Limits checked on the raw text before the parser sees it, in one linear pass: Calcite's parser
 * and validator recurse per nesting level and per operand, so huge or deep input must never reach
 * them.
 */
final class SqlTextLimits {
  static final int MAX_CHARACTERS = 65_536;
  static final int MAX_PARENTHESIS_DEPTH = 64;
  static final int MAX_TOKENS = 4_000;
  static final int MAX_BOOLEAN_OPERATORS = 256;
  static final int MAX_CASE_EXPRESSIONS = 64;

  private SqlTextLimits() {}

  /**
   * @throws PolicyException {@link PolicyErrorCode#QUERY_TOO_COMPLEX} when a limit is exceeded
   */
  static void check(String sql) {
    if (sql.length() > MAX_CHARACTERS) {
      throw tooComplex("the query has " + sql.length() + " characters; at most " + MAX_CHARACTERS);
    }
    int depth = 0;
    int tokens = 0;
    int booleanOperators = 0;
    int caseExpressions = 0;
    int i = 0;
    int length = sql.length();
    while (i < length) {
      char c = sql.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
      } else if (c == '-' && i + 1 < length && sql.charAt(i + 1) == '-') {
        while (i < length && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? length : end + 2;
        tokens++;
      } else if (c == '\'' || c == '"' || c == '`') {
        i = skipQuoted(sql, i, c);
        tokens++;
      } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
        int start = i;
        while (i < length
            && (Character.isLetterOrDigit(sql.charAt(i))
                || sql.charAt(i) == '_'
                || sql.charAt(i) == '$'
                || sql.charAt(i) == '.')) {
          i++;
        }
        String word = sql.substring(start, i);
        if (word.equalsIgnoreCase("AND") || word.equalsIgnoreCase("OR")) {
          booleanOperators++;
        } else if (word.equalsIgnoreCase("CASE")) {
          caseExpressions++;
        }
        tokens++;
      } else {
        if (c == '(') {
          depth++;
          if (depth > MAX_PARENTHESIS_DEPTH) {
            throw tooComplex("parentheses nest deeper than " + MAX_PARENTHESIS_DEPTH + " levels");
          }
        } else if (c == ')') {
          depth--;
        }
        i++;
        tokens++;
      }
      if (tokens > MAX_TOKENS) {
        throw tooComplex("the query has more than " + MAX_TOKENS + " tokens");
      }
      if (booleanOperators > MAX_BOOLEAN_OPERATORS) {
        throw tooComplex("the query has more than " + MAX_BOOLEAN_OPERATORS + " AND/OR operators");
      }
      if (caseExpressions > MAX_CASE_EXPRESSIONS) {
        throw tooComplex("the query has more than " + MAX_CASE_EXPRESSIONS + " CASE expressions");
      }
    }
  }

  private static int skipQuoted(String sql, int start, char quote) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == quote) {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return i;
  }

  private static PolicyException tooComplex(String why) {
    return new PolicyException(PolicyErrorCode.QUERY_TOO_COMPLEX, "query too complex: " + why);
  }
}
