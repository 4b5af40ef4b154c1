package dev.cleanroom.server.template;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.query.Answer;
import dev.cleanroom.server.query.Explanation;
import dev.cleanroom.server.query.QueryOptions;
import dev.cleanroom.server.query.QueryService;
import dev.cleanroom.server.query.QueryService.TemplateBudget;
import dev.cleanroom.server.query.QueryService.TemplateSource;
import dev.cleanroom.server.store.Jdbc;
import dev.cleanroom.server.template.TemplateRequests.Approval;
import dev.cleanroom.server.template.TemplateRequests.NewTemplate;
import dev.cleanroom.server.template.TemplateRequests.RunRequest;
import dev.cleanroom.server.template.TemplateRequests.RunResult;
import dev.cleanroom.server.template.TemplateRequests.TemplateView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Approved query templates: proposed by an analyst (checked by the analyser with stand-in values,
 * as a query), approved by a privacy officer for every dataset they read, versioned (a new version
 * is a draft until approved and then supersedes the old), run with typed parameter values through
 * the ordinary query path, and answered to their result receivers. Every step is audited.
 */
@ApplicationScoped
public class Templates {
  private static final TypeReference<List<TemplateParameter>> PARAMETERS = new TypeReference<>() {};

  private final Jdbc jdbc;
  private final QueryService queries;
  private final Collaborations collaborations;
  private final ObjectMapper json;

  @Inject
  public Templates(
      Jdbc jdbc, QueryService queries, Collaborations collaborations, ObjectMapper json) {
    this.jdbc = jdbc;
    this.queries = queries;
    this.collaborations = collaborations;
    this.json = json;
  }

  /** Proposes a template (a new draft version), after checking its SQL as a query. */
  public TemplateView propose(Caller analyst, NewTemplate request) {
    TemplateSql sql = TemplateSql.of(request.sql());
    Map<String, TemplateParameter> declared = new LinkedHashMap<>();
    request.parameters().forEach(p -> declared.put(p.name(), p));
    Set<String> used = new LinkedHashSet<>();
    for (TemplateSql.Placeholder placeholder : sql.placeholders()) {
      if (!declared.containsKey(placeholder.name())) {
        throw new ServerException(
            ServerErrorCode.TEMPLATE_PARAMETER_MISSING,
            "the SQL uses :" + placeholder.name() + ", which 'parameters' does not declare");
      }
      used.add(placeholder.name());
    }
    for (String name : declared.keySet()) {
      if (!used.contains(name)) {
        throw new ServerException(
            ServerErrorCode.INVALID_INPUT,
            "parameter '" + name + "' is declared but the SQL never uses :" + name);
      }
    }
    QueryOptions options = QueryOptions.DEFAULT.withPurpose(request.purpose());
    Map<Long, String> members = memberNames(analyst.collaborationId());
    List<String> receivers =
        request.resultReceivers().isEmpty()
            ? List.of(analyst.member())
            : List.copyOf(new LinkedHashSet<>(request.resultReceivers()));
    for (String receiver : receivers) {
      if (!members.containsValue(receiver)) {
        throw new ServerException(
            ServerErrorCode.INVALID_INPUT,
            "result receiver '" + receiver + "' is not a member of the collaboration");
      }
    }
    Explanation checked = check(analyst, request, sql, declared, options);
    return jdbc.inTransaction(
        connection -> {
          int version = latestVersion(connection, analyst.collaborationId(), request.name()) + 1;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "insert into query_template (collaboration_id, name, version, description,"
                      + " sql_text, parameters_json, purpose, epsilon_per_run, budget,"
                      + " result_receivers, datasets, status, author_member_id) values"
                      + " (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'DRAFT', ?)")) {
            statement.setLong(1, analyst.collaborationId());
            statement.setString(2, request.name());
            statement.setInt(3, version);
            statement.setString(4, request.description());
            statement.setString(5, request.sql());
            statement.setString(6, write(request.parameters()));
            statement.setString(7, request.purpose());
            statement.setBigDecimal(8, request.epsilonPerRun());
            statement.setBigDecimal(9, request.budget());
            statement.setString(10, String.join(",", receivers));
            statement.setString(11, String.join(",", checked.tables()));
            statement.setLong(12, analyst.memberId());
            statement.executeUpdate();
          }
          AuditLog.append(
              connection,
              analyst.collaborationId(),
              AuditEntry.success(
                  analyst.member(),
                  "TEMPLATE_PROPOSED",
                  checked.tables(),
                  "template="
                      + request.name()
                      + "@"
                      + version
                      + " parameters="
                      + declared.keySet()
                      + " purpose="
                      + (request.purpose() == null ? "none" : request.purpose())
                      + " epsilonPerRun="
                      + (request.epsilonPerRun() == null
                          ? "policy"
                          : request.epsilonPerRun().toPlainString())
                      + " budget="
                      + (request.budget() == null ? "none" : request.budget().toPlainString())
                      + " receivers="
                      + receivers));
          return view(connection, analyst.collaborationId(), request.name(), version).orElseThrow();
        });
  }

  /**
   * The analysis of the template with a stand-in value per parameter: its violations refuse it (422
   * policy-violation), a placeholder that cannot be a value refuses it (422
   * template-parameter-position).
   */
  private Explanation check(
      Caller analyst,
      NewTemplate request,
      TemplateSql sql,
      Map<String, TemplateParameter> declared,
      QueryOptions options) {
    Map<String, String> standIns = new LinkedHashMap<>();
    declared.forEach((name, parameter) -> standIns.put(name, parameter.type().standIn()));
    TemplateSource source =
        new TemplateSource(request.name() + "@check", request.epsilonPerRun(), null);
    Explanation explanation;
    try {
      explanation = queries.explain(analyst, sql.bind(standIns), options, source);
    } catch (PolicyException e) {
      if (e.code() == PolicyErrorCode.MALFORMED_SQL && !sql.placeholders().isEmpty()) {
        throw new ServerException(
            ServerErrorCode.TEMPLATE_PARAMETER_POSITION,
            "the SQL does not parse with its parameters as values: a parameter stands only where"
                + " a value (a literal) can, never for a table, a column or SQL");
      }
      throw e;
    }
    if (!explanation.accepted()) {
      throw new ServerException(
          ServerErrorCode.POLICY_VIOLATION,
          "the template's query violates the policy",
          explanation.violations());
    }
    return explanation;
  }

  /** A privacy officer approves a draft for every dataset it reads; it then supersedes the old. */
  public TemplateView approve(Caller officer, String name, int version) {
    return jdbc.inTransaction(
        connection -> {
          long collaborationId = officer.collaborationId();
          Stored stored =
              stored(connection, collaborationId, name, version)
                  .orElseThrow(
                      () -> ServerException.notFound("template '" + name + "' version " + version));
          if (!stored.status().equals("DRAFT")) {
            throw new ServerException(
                ServerErrorCode.CONFLICT,
                "template '" + name + "' version " + version + " is " + stored.status());
          }
          if (stored.authorId() == officer.memberId()) {
            throw ServerException.forbidden("a template's author cannot approve it");
          }
          for (String dataset : stored.datasets()) {
            try (PreparedStatement statement =
                connection.prepareStatement(
                    "insert into query_template_approval (collaboration_id, name, version,"
                        + " dataset, approver_member_id) values (?, ?, ?, ?, ?)")) {
              statement.setLong(1, collaborationId);
              statement.setString(2, name);
              statement.setInt(3, version);
              statement.setString(4, dataset);
              statement.setLong(5, officer.memberId());
              statement.executeUpdate();
            }
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update query_template set status = 'SUPERSEDED' where collaboration_id = ?"
                      + " and name = ? and status = 'APPROVED'")) {
            statement.setLong(1, collaborationId);
            statement.setString(2, name);
            statement.executeUpdate();
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update query_template set status = 'APPROVED' where collaboration_id = ?"
                      + " and name = ? and version = ?")) {
            statement.setLong(1, collaborationId);
            statement.setString(2, name);
            statement.setInt(3, version);
            statement.executeUpdate();
          }
          AuditLog.append(
              connection,
              collaborationId,
              AuditEntry.success(
                  officer.member(),
                  "TEMPLATE_APPROVED",
                  stored.datasets(),
                  "template=" + name + "@" + version));
          return view(connection, collaborationId, name, version).orElseThrow();
        });
  }

  /** Every version of every template of the collaboration, newest version first per name. */
  public List<TemplateView> list(Caller member) {
    return jdbc.inTransaction(
        connection -> {
          List<TemplateView> views = new ArrayList<>();
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select name, version from query_template where collaboration_id = ?"
                      + " order by name, version desc")) {
            statement.setLong(1, member.collaborationId());
            try (ResultSet rows = statement.executeQuery()) {
              while (rows.next()) {
                views.add(
                    view(connection, member.collaborationId(), rows.getString(1), rows.getInt(2))
                        .orElseThrow());
              }
            }
          }
          return views;
        });
  }

  /**
   * Runs the template's approved version with {@code request}'s values: bound as literals of their
   * declared types, then asked as a query (analysis, budget at the template's epsilon, release,
   * audit). The answer is kept for the result receivers; the caller sees it only if it is one.
   */
  public RunResult run(Caller analyst, String name, RunRequest request) {
    Stored approved =
        jdbc.inTransaction(
                connection -> approvedVersion(connection, analyst.collaborationId(), name))
            .orElseThrow(
                () ->
                    templateExists(analyst.collaborationId(), name)
                        ? new ServerException(
                            ServerErrorCode.TEMPLATE_NOT_APPROVED,
                            "template '" + name + "' has no approved version")
                        : ServerException.notFound("template '" + name + "'"));
    Map<String, String> literals = new LinkedHashMap<>();
    for (TemplateParameter parameter : approved.parameters()) {
      JsonNode value = request.parameters().get(parameter.name());
      if (value == null) {
        throw new ServerException(
            ServerErrorCode.TEMPLATE_PARAMETER_MISSING,
            "parameter '" + parameter.name() + "' has no value");
      }
      literals.put(parameter.name(), parameter.type().literal(parameter.name(), value));
    }
    for (String given : request.parameters().keySet()) {
      if (!literals.containsKey(given)) {
        throw new ServerException(
            ServerErrorCode.TEMPLATE_PARAMETER_MISSING,
            "template '" + name + "' has no parameter '" + given + "'");
      }
    }
    String reference = name + "@" + approved.version();
    Answer answer =
        queries.ask(
            analyst,
            TemplateSql.of(approved.sql()).bind(literals),
            QueryOptions.DEFAULT.withPurpose(approved.purpose()).withTemplate(reference),
            new TemplateSource(
                reference,
                approved.epsilonPerRun(),
                approved.budget() == null ? null : new TemplateBudget(name, approved.budget())));
    String runId = "r-" + UUID.randomUUID();
    jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "insert into template_run (id, collaboration_id, name, version,"
                      + " runner_member_id, result_receivers, answer_json) values"
                      + " (?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, runId);
            statement.setLong(2, analyst.collaborationId());
            statement.setString(3, name);
            statement.setInt(4, approved.version());
            statement.setLong(5, analyst.memberId());
            statement.setString(6, String.join(",", approved.receivers()));
            statement.setString(7, json.writeValueAsString(answer));
            statement.executeUpdate();
          } catch (JsonProcessingException e) {
            throw new IllegalStateException("an answer always serialises", e);
          }
          AuditLog.append(
              connection,
              analyst.collaborationId(),
              AuditEntry.success(
                  analyst.member(),
                  "TEMPLATE_RUN",
                  approved.datasets(),
                  "template="
                      + reference
                      + " runId="
                      + runId
                      + " queryId="
                      + answer.queryId()
                      + " receivers="
                      + approved.receivers()));
          return null;
        });
    boolean receives = approved.receivers().contains(analyst.member());
    return new RunResult(
        runId,
        name,
        approved.version(),
        approved.receivers(),
        answer.privacy().epsilonSpent(),
        receives ? answer : null);
  }

  /** A run's answer, for its result receivers; 404 for anyone else (run ids are not probeable). */
  public RunResult result(Caller member, String name, String runId) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select version, result_receivers, answer_json from template_run"
                      + " where id = ? and collaboration_id = ? and name = ?")) {
            statement.setString(1, runId);
            statement.setLong(2, member.collaborationId());
            statement.setString(3, name);
            try (ResultSet row = statement.executeQuery()) {
              List<String> receivers = row.next() ? split(row.getString(2)) : List.of();
              if (!receivers.contains(member.member())) {
                throw ServerException.notFound("run '" + runId + "' of template '" + name + "'");
              }
              Answer answer = json.readValue(row.getString(3), Answer.class);
              return new RunResult(
                  runId, name, row.getInt(1), receivers, answer.privacy().epsilonSpent(), answer);
            } catch (JsonProcessingException e) {
              throw new IllegalStateException("a stored answer always reads back", e);
            }
          }
        });
  }

  /** One stored version. */
  private record Stored(
      int version,
      String status,
      String sql,
      List<TemplateParameter> parameters,
      String purpose,
      BigDecimal epsilonPerRun,
      BigDecimal budget,
      List<String> receivers,
      List<String> datasets,
      long authorId) {}

  private Optional<Stored> stored(
      Connection connection, long collaborationId, String name, int version) throws SQLException {
    return select(
        connection,
        "where collaboration_id = ? and name = ? and version = ?",
        collaborationId,
        name,
        version);
  }

  private Optional<Stored> approvedVersion(Connection connection, long collaborationId, String name)
      throws SQLException {
    return select(
        connection,
        "where collaboration_id = ? and name = ? and status = 'APPROVED'",
        collaborationId,
        name,
        null);
  }

  private Optional<Stored> select(
      Connection connection, String where, long collaborationId, String name, Integer version)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select version, status, sql_text, parameters_json, purpose, epsilon_per_run,"
                + " result_receivers, datasets, author_member_id, budget from query_template "
                + where)) {
      statement.setLong(1, collaborationId);
      statement.setString(2, name);
      if (version != null) {
        statement.setInt(3, version);
      }
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new Stored(
                row.getInt(1),
                row.getString(2),
                row.getString(3),
                read(row.getString(4)),
                row.getString(5),
                plain(row.getBigDecimal(6)),
                plain(row.getBigDecimal(10)),
                split(row.getString(7)),
                split(row.getString(8)),
                row.getLong(9)));
      }
    }
  }

  /** A stored epsilon without its trailing zeros, never in exponent form; null stays null. */
  private static BigDecimal plain(BigDecimal value) {
    if (value == null) {
      return null;
    }
    BigDecimal stripped = value.stripTrailingZeros();
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  private boolean templateExists(long collaborationId, String name) {
    return jdbc.inTransaction(connection -> latestVersion(connection, collaborationId, name) > 0);
  }

  private static int latestVersion(Connection connection, long collaborationId, String name)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select coalesce(max(version), 0) from query_template where collaboration_id = ?"
                + " and name = ?")) {
      statement.setLong(1, collaborationId);
      statement.setString(2, name);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  private Optional<TemplateView> view(
      Connection connection, long collaborationId, String name, int version) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select t.version, t.status, t.description, t.sql_text, t.parameters_json, t.purpose,"
                + " t.epsilon_per_run, t.result_receivers, t.datasets, m.name, t.created_at,"
                + " t.budget"
                + " from query_template t join member m on m.id = t.author_member_id"
                + " where t.collaboration_id = ? and t.name = ? and t.version = ?")) {
      statement.setLong(1, collaborationId);
      statement.setString(2, name);
      statement.setInt(3, version);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(
            new TemplateView(
                name,
                row.getInt(1),
                row.getString(2),
                row.getString(3),
                row.getString(4),
                read(row.getString(5)),
                row.getString(6),
                plain(row.getBigDecimal(7)),
                plain(row.getBigDecimal(12)),
                split(row.getString(8)),
                split(row.getString(9)),
                approvals(connection, collaborationId, name, version),
                row.getString(10),
                row.getObject(11, OffsetDateTime.class).toInstant()));
      }
    }
  }

  private static List<Approval> approvals(
      Connection connection, long collaborationId, String name, int version) throws SQLException {
    List<Approval> approvals = new ArrayList<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select a.dataset, m.name, a.approved_at from query_template_approval a"
                + " join member m on m.id = a.approver_member_id where a.collaboration_id = ?"
                + " and a.name = ? and a.version = ? order by a.dataset")) {
      statement.setLong(1, collaborationId);
      statement.setString(2, name);
      statement.setInt(3, version);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          approvals.add(
              new Approval(
                  rows.getString(1),
                  rows.getString(2),
                  rows.getObject(3, OffsetDateTime.class).toInstant()));
        }
      }
    }
    return approvals;
  }

  private Map<Long, String> memberNames(long collaborationId) {
    Map<Long, String> names = new LinkedHashMap<>();
    collaborations.memberIds(collaborationId).forEach((name, id) -> names.put(id, name));
    return names;
  }

  private String write(List<TemplateParameter> parameters) {
    try {
      return json.writeValueAsString(parameters);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("parameters always serialise", e);
    }
  }

  private List<TemplateParameter> read(String document) {
    try {
      return json.readValue(document, PARAMETERS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("stored parameters always read back", e);
    }
  }

  private static List<String> split(String names) {
    return names == null || names.isEmpty() ? List.of() : Arrays.asList(names.split(","));
  }
}
