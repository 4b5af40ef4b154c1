package dev.cleanroom.server.collaboration;

import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.ApiKeys;
import dev.cleanroom.server.auth.MemberDirectory;
import dev.cleanroom.server.collaboration.CollaborationRequests.CollaborationView;
import dev.cleanroom.server.collaboration.CollaborationRequests.ColumnView;
import dev.cleanroom.server.collaboration.CollaborationRequests.CreateCollaboration;
import dev.cleanroom.server.collaboration.CollaborationRequests.CreatedCollaboration;
import dev.cleanroom.server.collaboration.CollaborationRequests.CreatedMember;
import dev.cleanroom.server.collaboration.CollaborationRequests.DatasetView;
import dev.cleanroom.server.collaboration.CollaborationRequests.EngineSetting;
import dev.cleanroom.server.collaboration.CollaborationRequests.MemberView;
import dev.cleanroom.server.collaboration.CollaborationRequests.NewMember;
import dev.cleanroom.server.collaboration.CollaborationRequests.Term;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.keys.MemberKeys;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.scaleout.EngineMode;
import dev.cleanroom.server.scaleout.ScaleOutEngine;
import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Creating and describing collaborations. */
@ApplicationScoped
public class Collaborations {
  private final Jdbc jdbc;
  private final DatasetCatalog datasets;
  private final MemberKeys memberKeys;
  private final EngineMode serverEngine;
  private final boolean sparkConfigured;

  @Inject
  public Collaborations(
      Jdbc jdbc,
      DatasetCatalog datasets,
      MemberKeys memberKeys,
      @ConfigProperty(name = "cleanroom.query.engine") String serverEngine,
      ScaleOutEngine scaleOut) {
    this.jdbc = jdbc;
    this.datasets = datasets;
    this.memberKeys = memberKeys;
    this.serverEngine = serverEngine(serverEngine);
    this.sparkConfigured = scaleOut.configured();
  }

  /** 422 for a setting that needs Spark on a server without a Spark engine. */
  private void requireRunnable(Optional<EngineMode> mode) {
    if (mode.isPresent() && mode.get() != EngineMode.VECTORIZED && !sparkConfigured) {
      throw new ServerException(
          ServerErrorCode.INVALID_INPUT,
          "'engine' "
              + mode.get().configName()
              + " needs a Spark engine, and this server has none (cleanroom.spark.remote or"
              + " cleanroom.spark.embedded)");
    }
  }

  /** The server's {@code cleanroom.query.engine}, checked. */
  public static EngineMode serverEngine(String configured) {
    return EngineMode.named(configured)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "cleanroom.query.engine must be one of "
                        + EngineMode.names()
                        + ", was '"
                        + configured
                        + "'"));
  }

  /** The engine setting in force for a collaboration: its own, or the server's. */
  public EngineMode engine(long collaborationId) {
    return ownEngine(collaborationId).orElse(serverEngine);
  }

  /** The collaboration's own engine setting, if it has one. */
  private Optional<EngineMode> ownEngine(long collaborationId) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement("select query_engine from collaboration where id = ?")) {
            statement.setLong(1, collaborationId);
            try (ResultSet row = statement.executeQuery()) {
              return row.next() ? EngineMode.named(row.getString(1)) : Optional.empty();
            }
          }
        });
  }

  /**
   * Sets the engine that runs a collaboration's queries ({@code null}: the server's setting again),
   * audited; 404 when there is no such collaboration.
   */
  public void setEngine(String name, EngineSetting setting, String actor) {
    requireRunnable(setting.engineMode());
    jdbc.inTransaction(
        connection -> {
          Long collaborationId = idOf(connection, name);
          if (collaborationId == null) {
            throw ServerException.notFound("collaboration '" + name + "'");
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update collaboration set query_engine = ? where id = ?")) {
            statement.setString(1, setting.engineMode().map(EngineMode::configName).orElse(null));
            statement.setLong(2, collaborationId);
            statement.executeUpdate();
          }
          AuditLog.append(
              connection,
              collaborationId,
              AuditEntry.success(
                  actor,
                  "COLLABORATION_ENGINE_SET",
                  List.of(),
                  "engine=" + setting.engineMode().map(EngineMode::configName).orElse("server")));
          return null;
        });
  }

  /**
   * Creates a collaboration with fresh random keys, which expire after {@code
   * cleanroom.api-key.max-lifetime} like every key issued later.
   */
  public CreatedCollaboration create(CreateCollaboration request, String actor) {
    Instant now = memberKeys.now();
    return create(request, actor, member -> ApiKeys.newKey(), now, memberKeys.defaultExpiry(now));
  }

  /**
   * Creates a collaboration, its members and one key per member, given by {@code keyOf}: the demo
   * passes its well-known keys, which never expire (they work only in the demo profile).
   */
  public CreatedCollaboration create(
      CreateCollaboration request, String actor, Function<String, String> keyOf) {
    return create(request, actor, keyOf, memberKeys.now(), null);
  }

  private CreatedCollaboration create(
      CreateCollaboration request,
      String actor,
      Function<String, String> keyOf,
      Instant now,
      Instant keysExpireAt) {
    requireRunnable(request.engineMode());
    return jdbc.inTransaction(
        connection -> {
          if (idOf(connection, request.name()) != null) {
            throw new ServerException(
                ServerErrorCode.CONFLICT, "collaboration '" + request.name() + "' exists already");
          }
          long collaborationId;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "insert into collaboration (name, query_engine, starts_at, ends_at)"
                      + " values (?, ?, ?, ?)",
                  Statement.RETURN_GENERATED_KEYS)) {
            statement.setString(1, request.name());
            statement.setString(2, request.engineMode().map(EngineMode::configName).orElse(null));
            statement.setObject(3, offset(request.startsAt()));
            statement.setObject(4, offset(request.endsAt()));
            statement.executeUpdate();
            collaborationId = generatedId(statement);
          }
          AuditLog.startChain(connection, collaborationId);
          List<CreatedMember> created = new ArrayList<>();
          for (NewMember member : request.members()) {
            long memberId = addMember(connection, collaborationId, member);
            String key = keyOf.apply(member.name());
            MemberDirectory.storeKey(connection, memberId, key, actor, now, keysExpireAt);
            created.add(new CreatedMember(member.name(), member.roles(), key));
          }
          AuditLog.append(
              connection,
              collaborationId,
              AuditEntry.success(
                  actor,
                  "COLLABORATION_CREATED",
                  List.of(),
                  "members="
                      + request.members().size()
                      + request.engineMode().map(mode -> " engine=" + mode.configName()).orElse("")
                      + termText(request.term())));
          return new CreatedCollaboration(request.name(), created);
        });
  }

  /**
   * Inserts a member, without a key, inside the caller's transaction: how members are created with
   * their collaboration and, later, by an applied change request.
   *
   * @return the new member's id
   */
  public static long addMember(Connection connection, long collaborationId, NewMember member)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into member (collaboration_id, name, roles) values (?, ?, ?)",
            Statement.RETURN_GENERATED_KEYS)) {
      statement.setLong(1, collaborationId);
      statement.setString(2, member.name());
      statement.setString(3, MemberDirectory.formatRoles(member.roles()));
      statement.executeUpdate();
      return generatedId(statement);
    }
  }

  /** The collaboration as its members see it. */
  public CollaborationView view(long collaborationId, String name) {
    List<MemberView> members = members(collaborationId);
    List<DatasetView> datasetViews =
        datasets.list(collaborationId).stream()
            .map(
                d ->
                    new DatasetView(
                        d.name(),
                        d.owner(),
                        d.table(),
                        d.columns().stream().map(c -> new ColumnView(c.name(), c.type())).toList(),
                        d.currentVersion(),
                        d.currentPolicyVersion()))
            .toList();
    Optional<EngineMode> own = ownEngine(collaborationId);
    Term term = term(collaborationId);
    return new CollaborationView(
        name,
        members,
        datasetViews,
        own.orElse(serverEngine).configName(),
        own.isPresent() ? "collaboration" : "server",
        term.startsAt(),
        term.endsAt());
  }

  /** The collaboration's term as stored. */
  public Term term(long collaborationId) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select starts_at, ends_at from collaboration where id = ?")) {
            statement.setLong(1, collaborationId);
            try (ResultSet row = statement.executeQuery()) {
              if (!row.next()) {
                return Term.OPEN;
              }
              return new Term(
                  instant(row.getObject(1, OffsetDateTime.class)),
                  instant(row.getObject(2, OffsetDateTime.class)));
            }
          }
        });
  }

  /**
   * Refuses a query (or explain) outside the collaboration's term, before anything is analysed or
   * charged: 403 {@code collaboration-not-started} before its start, {@code collaboration-ended}
   * from its end. Decided from the term and the clock only.
   */
  public void requireInTerm(long collaborationId, Instant now) {
    Term term = term(collaborationId);
    if (!term.started(now)) {
      throw new ServerException(
          ServerErrorCode.COLLABORATION_NOT_STARTED,
          "the collaboration answers queries from " + term.startsAt());
    }
    if (term.ended(now)) {
      throw new ServerException(
          ServerErrorCode.COLLABORATION_ENDED,
          "the collaboration ended at " + term.endsAt() + "; it answers no more queries");
    }
  }

  /** Sets a collaboration's term (operator), audited; 404 when there is no such collaboration. */
  public void setTerm(String name, Term term, String actor) {
    jdbc.inTransaction(
        connection -> {
          Long collaborationId = idOf(connection, name);
          if (collaborationId == null) {
            throw ServerException.notFound("collaboration '" + name + "'");
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update collaboration set starts_at = ?, ends_at = ? where id = ?")) {
            statement.setObject(1, offset(term.startsAt()));
            statement.setObject(2, offset(term.endsAt()));
            statement.setLong(3, collaborationId);
            statement.executeUpdate();
          }
          AuditLog.append(
              connection,
              collaborationId,
              AuditEntry.success(
                  actor, "COLLABORATION_TERM_SET", List.of(), termText(term).trim()));
          return null;
        });
  }

  private static String termText(Term term) {
    return " startsAt="
        + (term.startsAt() == null ? "none" : term.startsAt())
        + " endsAt="
        + (term.endsAt() == null ? "none" : term.endsAt());
  }

  private static OffsetDateTime offset(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static Instant instant(OffsetDateTime time) {
    return time == null ? null : time.toInstant();
  }

  /** Every member of a collaboration with its roles, by name. */
  public List<MemberView> members(long collaborationId) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select name, roles from member where collaboration_id = ? order by name")) {
            statement.setLong(1, collaborationId);
            List<MemberView> views = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                views.add(
                    new MemberView(row.getString(1), MemberDirectory.parseRoles(row.getString(2))));
              }
            }
            return views;
          }
        });
  }

  /** Every member name of a collaboration with its id. */
  public Map<String, Long> memberIds(long collaborationId) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select name, id from member where collaboration_id = ?")) {
            statement.setLong(1, collaborationId);
            Map<String, Long> ids = new java.util.TreeMap<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                ids.put(row.getString(1), row.getLong(2));
              }
            }
            return ids;
          }
        });
  }

  public Long idOf(String name) {
    return jdbc.inTransaction(connection -> idOf(connection, name));
  }

  private static Long idOf(Connection connection, String name) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("select id from collaboration where name = ?")) {
      statement.setString(1, name);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? row.getLong(1) : null;
      }
    }
  }

  private static long generatedId(PreparedStatement statement) throws SQLException {
    try (ResultSet keys = statement.getGeneratedKeys()) {
      keys.next();
      return keys.getLong("id");
    }
  }
}
