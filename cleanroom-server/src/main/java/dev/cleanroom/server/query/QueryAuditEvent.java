package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.ExecutionErrorCode;
import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.querypolicy.analysis.ViolationCode;
import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.problem.ServerErrorCode;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * What the audit log records of one query or explanation: who asked, what came of it, which tables
 * and versions, counts and codes; never SQL text or a value. {@link #toEntry()} renders it in the
 * text the log has always stored, so that old and new events read alike.
 *
 * @param queryId the query's id; {@code null} for what happens before a query gets one (the SQL
 *     rejected or refused, an explanation)
 * @param tables the tables the event concerns ({@code member.dataset}), whose providers see it
 * @param versions the versions read by a query that was answered or failed, else {@code null}
 * @param rows the rows a fresh answer released, else {@code null}
 * @param suppressedGroups the groups a fresh answer withheld, when the query asked for their
 *     number, else {@code null}
 * @param epsilon what the event records as charged: spent by a fresh answer or a failed query whose
 *     reservation was committed, zero for a cached answer or a refunded failure; {@code null} for
 *     events before any reservation
 * @param errorCode why a query or explanation was refused, else {@code null}
 * @param violations the distinct codes of a rejection, in the order first met, else {@code null}
 * @param options the release options of an answered query ({@code options=...}), else {@code null}
 * @param releaseRule the release rule of a fresh answer, else {@code null}
 * @param engine the engine that computed a fresh answer or ran a failed query, or that an
 *     unavailable-engine refusal would have used, else {@code null}
 */
record QueryAuditEvent(
    String analyst,
    Kind kind,
    String queryId,
    List<String> tables,
    ReadVersions versions,
    Integer rows,
    Long suppressedGroups,
    BigDecimal epsilon,
    boolean cached,
    String errorCode,
    List<ViolationCode> violations,
    String options,
    String releaseRule,
    String engine) {

  /** What came of the query or explanation, and the audit action that records it. */
  enum Kind {
    /** Answered, freshly or from the cache. */
    ANSWERED("QUERY_ANSWERED"),
    /** Failed after its budget was reserved. */
    FAILED("QUERY_FAILED"),
    /** Not run: its SQL could not be analysed, or its budget would be overspent. */
    REFUSED("QUERY_REFUSED"),
    /** Not run: it violates the policy. */
    REJECTED("QUERY_REJECTED"),
    /** Explained: accepted with its plan, or rejected with its violations. */
    EXPLAINED("QUERY_EXPLAINED"),
    /** Not explained: its SQL could not be analysed. */
    EXPLAIN_REFUSED("EXPLAIN_REFUSED");

    private final String action;

    Kind(String action) {
      this.action = action;
    }
  }

  QueryAuditEvent {
    requireNonNull(analyst, "analyst is null");
    requireNonNull(kind, "kind is null");
    tables = List.copyOf(tables);
    violations = violations == null ? null : List.copyOf(violations);
  }

  static QueryAuditEvent answered(
      String analyst,
      String queryId,
      ReadVersions versions,
      int rows,
      Long suppressedGroups,
      BigDecimal epsilonSpent,
      QueryOptions options,
      String releaseRule,
      String engine) {
    return new QueryAuditEvent(
        analyst,
        Kind.ANSWERED,
        requireNonNull(queryId, "queryId is null"),
        versions.tables(),
        versions,
        rows,
        suppressedGroups,
        requireNonNull(epsilonSpent, "epsilonSpent is null"),
        false,
        null,
        null,
        options.auditText(),
        requireNonNull(releaseRule, "releaseRule is null"),
        engine);
  }

  static QueryAuditEvent answeredFromCache(
      String analyst, String queryId, ReadVersions versions, QueryOptions options) {
    return new QueryAuditEvent(
        analyst,
        Kind.ANSWERED,
        requireNonNull(queryId, "queryId is null"),
        versions.tables(),
        versions,
        null,
        null,
        BigDecimal.ZERO,
        true,
        null,
        null,
        options.auditText(),
        null,
        null);
  }

  static QueryAuditEvent failed(
      String analyst,
      String queryId,
      ReadVersions versions,
      BigDecimal epsilonSpent,
      String engine) {
    return new QueryAuditEvent(
        analyst,
        Kind.FAILED,
        requireNonNull(queryId, "queryId is null"),
        versions.tables(),
        versions,
        null,
        null,
        requireNonNull(epsilonSpent, "epsilonSpent is null"),
        false,
        null,
        null,
        null,
        null,
        engine);
  }

  /** A query whose budget reservation was refused. */
  static QueryAuditEvent overBudget(
      String analyst, String queryId, List<String> tables, PolicyErrorCode code) {
    return refusedBeforeCharge(
        analyst, queryId, tables, requireNonNull(code, "code is null").name(), null);
  }

  /** A query not run because the engine chosen for it cannot be reached; nothing was charged. */
  static QueryAuditEvent engineUnavailable(
      String analyst, String queryId, List<String> tables, String engine) {
    return refusedBeforeCharge(
        analyst,
        queryId,
        tables,
        ExecutionErrorCode.ENGINE_UNAVAILABLE.name(),
        requireNonNull(engine, "engine is null"));
  }

  /** A query refused after its analysis and before anything was reserved or run. */
  private static QueryAuditEvent refusedBeforeCharge(
      String analyst, String queryId, List<String> tables, String code, String engine) {
    return new QueryAuditEvent(
        analyst,
        Kind.REFUSED,
        requireNonNull(queryId, "queryId is null"),
        tables,
        null,
        null,
        null,
        null,
        false,
        code,
        null,
        null,
        null,
        engine);
  }

  /** A query whose SQL could not be analysed (malformed, unknown table, too complex). */
  static QueryAuditEvent queryRefused(String analyst, PolicyErrorCode code) {
    return refused(analyst, Kind.REFUSED, requireNonNull(code, "code is null").name());
  }

  /** An explanation whose SQL could not be analysed. */
  static QueryAuditEvent explainRefused(String analyst, PolicyErrorCode code) {
    return refused(analyst, Kind.EXPLAIN_REFUSED, requireNonNull(code, "code is null").name());
  }

  /**
   * A query or explanation refused by governance: outside the term, or free SQL where templates
   * only.
   */
  static QueryAuditEvent refusedByGovernance(
      String analyst, boolean explain, ServerErrorCode code) {
    return refused(
        analyst,
        explain ? Kind.EXPLAIN_REFUSED : Kind.REFUSED,
        requireNonNull(code, "code is null").name());
  }

  static QueryAuditEvent rejected(String analyst, List<Violation> violations) {
    return withViolations(analyst, Kind.REJECTED, violations);
  }

  static QueryAuditEvent explainedRejected(String analyst, List<Violation> violations) {
    return withViolations(analyst, Kind.EXPLAINED, violations);
  }

  static QueryAuditEvent explainedAccepted(String analyst, List<String> tables) {
    return new QueryAuditEvent(
        analyst,
        Kind.EXPLAINED,
        null,
        tables,
        null,
        null,
        null,
        null,
        false,
        null,
        null,
        null,
        null,
        null);
  }

  /** The entry the audit log stores. */
  AuditEntry toEntry() {
    return new AuditEntry(analyst, kind.action, tables, detail(), epsilon, outcome());
  }

  private String detail() {
    return switch (kind) {
      case ANSWERED ->
          cached
              ? join(idText(), "cached=true", options, versions.auditText())
              : join(
                  idText(),
                  "cached=false",
                  "rows=" + rows,
                  suppressedGroups == null ? null : "suppressedGroups=" + suppressedGroups,
                  options,
                  "releaseRule=" + releaseRule.replace(": ", ":").replace(' ', '-'),
                  engineText(),
                  versions.auditText());
      case FAILED -> join(idText(), engineText(), versions.auditText());
      case REFUSED, EXPLAIN_REFUSED -> join(idText(), "code=" + errorCode, engineText());
      case REJECTED -> violationsText();
      case EXPLAINED -> violations == null ? "accepted" : violationsText();
    };
  }

  private String outcome() {
    return switch (kind) {
      case ANSWERED -> "SUCCESS";
      case FAILED -> "FAILED";
      case REFUSED, EXPLAIN_REFUSED -> errorCode;
      case REJECTED -> "REJECTED";
      case EXPLAINED -> violations == null ? "ACCEPTED" : "REJECTED";
    };
  }

  private String engineText() {
    return engine == null ? null : "engine=" + engine;
  }

  private String idText() {
    return queryId == null ? null : "queryId=" + queryId;
  }

  private String violationsText() {
    return "violations="
        + violations.stream().map(ViolationCode::name).collect(Collectors.joining(","));
  }

  /** The parts that are there, separated by a space. */
  private static String join(String... parts) {
    return Arrays.stream(parts).filter(Objects::nonNull).collect(Collectors.joining(" "));
  }

  private static QueryAuditEvent refused(String analyst, Kind kind, String code) {
    return new QueryAuditEvent(
        analyst, kind, null, List.of(), null, null, null, null, false, code, null, null, null,
        null);
  }

  private static QueryAuditEvent withViolations(
      String analyst, Kind kind, List<Violation> violations) {
    return new QueryAuditEvent(
        analyst,
        kind,
        null,
        tablesNamedBy(violations),
        null,
        null,
        null,
        null,
        false,
        null,
        violations.stream().map(Violation::code).distinct().toList(),
        null,
        null,
        null);
  }

  /** The tables ({@code member.dataset}) that violations name, so their providers see the event. */
  private static List<String> tablesNamedBy(List<Violation> violations) {
    return violations.stream()
        .map(Violation::column)
        .filter(Objects::nonNull)
        .map(column -> column.split("\\."))
        .filter(parts -> parts.length >= 2)
        .map(parts -> parts[0] + "." + parts[1])
        .collect(Collectors.toCollection(TreeSet::new))
        .stream()
        .toList();
  }
}
