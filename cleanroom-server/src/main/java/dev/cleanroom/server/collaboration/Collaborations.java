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
import dev.cleanroom.server.collaboration.CollaborationRequests.MemberView;
import dev.cleanroom.server.collaboration.CollaborationRequests.NewMember;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.keys.MemberKeys;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Creating and describing collaborations. */
@ApplicationScoped
public class Collaborations {
  private final Jdbc jdbc;
  private final DatasetCatalog datasets;
  private final MemberKeys memberKeys;

  @Inject
  public Collaborations(Jdbc jdbc, DatasetCatalog datasets, MemberKeys memberKeys) {
    this.jdbc = jdbc;
    this.datasets = datasets;
    this.memberKeys = memberKeys;
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
    return jdbc.inTransaction(
        connection -> {
          if (idOf(connection, request.name()) != null) {
            throw new ServerException(
                ServerErrorCode.CONFLICT, "collaboration '" + request.name() + "' exists already");
          }
          long collaborationId;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "insert into collaboration (name) values (?)", Statement.RETURN_GENERATED_KEYS)) {
            statement.setString(1, request.name());
            statement.executeUpdate();
            collaborationId = generatedId(statement);
          }
          AuditLog.startChain(connection, collaborationId);
          List<CreatedMember> created = new ArrayList<>();
          for (NewMember member : request.members()) {
            long memberId;
            try (PreparedStatement statement =
                connection.prepareStatement(
                    "insert into member (collaboration_id, name, roles) values (?, ?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
              statement.setLong(1, collaborationId);
              statement.setString(2, member.name());
              statement.setString(3, MemberDirectory.formatRoles(member.roles()));
              statement.executeUpdate();
              memberId = generatedId(statement);
            }
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
                  "members=" + request.members().size()));
          return new CreatedCollaboration(request.name(), created);
        });
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
    return new CollaborationView(name, members, datasetViews);
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
