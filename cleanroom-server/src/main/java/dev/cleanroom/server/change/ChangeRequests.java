package dev.cleanroom.server.change;

import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.MemberDirectory;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.change.ChangeRequestBodies.Approval;
import dev.cleanroom.server.change.ChangeRequestBodies.ChangeRequestView;
import dev.cleanroom.server.change.ChangeRequestBodies.Kind;
import dev.cleanroom.server.change.ChangeRequestBodies.NewChangeRequest;
import dev.cleanroom.server.collaboration.CollaborationRequests.NewMember;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Change requests of a collaboration: a change is asked by the operator or a privacy officer, and
 * applied once every member that was a provider when it was asked has approved it; one rejection
 * rejects it. Every step holds the collaboration's row lock, so requests, decisions and the members
 * they add are serialised per collaboration.
 */
@ApplicationScoped
public class ChangeRequests {
  static final String PENDING = "PENDING";
  static final String APPLIED = "APPLIED";
  static final String REJECTED = "REJECTED";
  static final String AWAITED = "AWAITED";
  static final String APPROVED = "APPROVED";

  private static final String SELECT =
      "select number, kind, member_name, member_roles, status, requested_by, created_at,"
          + " decided_at from change_request";

  private final Jdbc jdbc;

  @Inject
  public ChangeRequests(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * Records a change request with the collaboration's providers as its approvers (a requester that
   * is a provider approves it by asking), and applies it at once when none is awaited.
   *
   * @param requester the operator or a member of the collaboration
   */
  public ChangeRequestView request(
      long collaborationId, Caller requester, NewChangeRequest request) {
    NewMember member = request.newMember();
    return jdbc.inTransaction(
        connection -> {
          lockCollaboration(connection, collaborationId);
          requireNewName(connection, collaborationId, member.name());
          int number;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select coalesce(max(number), 0) + 1 from change_request"
                      + " where collaboration_id = ?")) {
            statement.setLong(1, collaborationId);
            try (ResultSet row = statement.executeQuery()) {
              row.next();
              number = row.getInt(1);
            }
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "insert into change_request (collaboration_id, number, kind, member_name,"
                      + " member_roles, status, requested_by) values (?, ?, ?, ?, ?, ?, ?)")) {
            statement.setLong(1, collaborationId);
            statement.setInt(2, number);
            statement.setString(3, request.kind().name());
            statement.setString(4, member.name());
            statement.setString(5, MemberDirectory.formatRoles(member.roles()));
            statement.setString(6, PENDING);
            statement.setString(7, requester.member());
            statement.executeUpdate();
          }
          List<String> awaited = new ArrayList<>();
          for (Map.Entry<Long, String> provider :
              providers(connection, collaborationId).entrySet()) {
            boolean self = !requester.operator() && provider.getKey() == requester.memberId();
            try (PreparedStatement statement =
                connection.prepareStatement(
                    "insert into change_request_approval"
                        + " (collaboration_id, number, provider_member_id, status, decided_at)"
                        + " values (?, ?, ?, ?, "
                        + (self ? "now()" : "null")
                        + ")")) {
              statement.setLong(1, collaborationId);
              statement.setInt(2, number);
              statement.setLong(3, provider.getKey());
              statement.setString(4, self ? APPROVED : AWAITED);
              statement.executeUpdate();
            }
            if (!self) {
              awaited.add(provider.getValue());
            }
          }
          AuditLog.append(
              connection,
              collaborationId,
              AuditEntry.success(
                  requester.member(),
                  "CHANGE_REQUESTED",
                  List.of(),
                  "changeRequest="
                      + number
                      + " kind="
                      + request.kind()
                      + " member="
                      + member.name()
                      + " roles="
                      + MemberDirectory.formatRoles(member.roles())
                      + " awaiting="
                      + (awaited.isEmpty() ? "none" : String.join(",", awaited))));
          if (awaited.isEmpty()) {
            apply(connection, collaborationId, number, requester.member());
          }
          return find(connection, collaborationId, number).orElseThrow();
        });
  }

  /**
   * An awaited provider's approval ({@code approve}) or rejection; the last approval applies the
   * change, a rejection rejects it.
   */
  public ChangeRequestView decide(
      long collaborationId, int number, Caller provider, boolean approve) {
    return jdbc.inTransaction(
        connection -> {
          lockCollaboration(connection, collaborationId);
          ChangeRequestView request =
              find(connection, collaborationId, number)
                  .orElseThrow(() -> ServerException.notFound("change request " + number));
          if (!PENDING.equals(request.status())) {
            throw new ServerException(
                ServerErrorCode.CHANGE_APPROVAL_NOT_AWAITED,
                "change request " + number + " is " + request.status() + ", not pending");
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update change_request_approval set status = ?, decided_at = now()"
                      + " where collaboration_id = ? and number = ? and provider_member_id = ?"
                      + " and status = 'AWAITED'")) {
            statement.setString(1, approve ? APPROVED : REJECTED);
            statement.setLong(2, collaborationId);
            statement.setInt(3, number);
            statement.setLong(4, provider.memberId());
            if (statement.executeUpdate() == 0) {
              throw new ServerException(
                  ServerErrorCode.CHANGE_APPROVAL_NOT_AWAITED,
                  "change request "
                      + number
                      + " awaits no approval of '"
                      + provider.member()
                      + "'");
            }
          }
          AuditLog.append(
              connection,
              collaborationId,
              AuditEntry.success(
                  provider.member(),
                  approve ? "CHANGE_APPROVED" : "CHANGE_REJECTED",
                  List.of(),
                  "changeRequest=" + number));
          if (!approve) {
            setStatus(connection, collaborationId, number, REJECTED);
          } else if (find(connection, collaborationId, number).orElseThrow().approvals().stream()
              .noneMatch(approval -> AWAITED.equals(approval.status()))) {
            apply(connection, collaborationId, number, provider.member());
          }
          return find(connection, collaborationId, number).orElseThrow();
        });
  }

  /** Every change request of the collaboration, oldest first. */
  public List<ChangeRequestView> list(long collaborationId) {
    return jdbc.inTransaction(
        connection -> {
          List<Integer> numbers = new ArrayList<>();
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select number from change_request where collaboration_id = ? order by number")) {
            statement.setLong(1, collaborationId);
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                numbers.add(row.getInt(1));
              }
            }
          }
          List<ChangeRequestView> views = new ArrayList<>();
          for (int number : numbers) {
            views.add(find(connection, collaborationId, number).orElseThrow());
          }
          return views;
        });
  }

  public ChangeRequestView require(long collaborationId, int number) {
    return jdbc.inTransaction(connection -> find(connection, collaborationId, number))
        .orElseThrow(() -> ServerException.notFound("change request " + number));
  }

  /** Applies a pending request whose providers have all approved it, audited by {@code actor}. */
  private static void apply(Connection connection, long collaborationId, int number, String actor)
      throws SQLException {
    ChangeRequestView request = find(connection, collaborationId, number).orElseThrow();
    if (request.kind() == Kind.ADD_MEMBER) {
      // requireNewName ran under the same lock when the request was made, and no other pending
      // request may name the member since, so the name is still free.
      Collaborations.addMember(
          connection,
          collaborationId,
          new NewMember(request.member(), Set.copyOf(request.roles())));
      AuditLog.append(
          connection,
          collaborationId,
          AuditEntry.success(
              actor,
              "MEMBER_ADDED",
              List.of(),
              "member="
                  + request.member()
                  + " roles="
                  + MemberDirectory.formatRoles(Set.copyOf(request.roles()))
                  + " changeRequest="
                  + number));
    }
    setStatus(connection, collaborationId, number, APPLIED);
  }

  /** 409 {@code member-exists} for a member's name, or one a pending request adds already. */
  private static void requireNewName(Connection connection, long collaborationId, String name)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select 1 from member where collaboration_id = ? and name = ?")) {
      statement.setLong(1, collaborationId);
      statement.setString(2, name);
      try (ResultSet row = statement.executeQuery()) {
        if (row.next()) {
          throw new ServerException(
              ServerErrorCode.MEMBER_EXISTS,
              "the collaboration has a member '" + name + "' already");
        }
      }
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select number from change_request where collaboration_id = ? and member_name = ?"
                + " and status = 'PENDING'")) {
      statement.setLong(1, collaborationId);
      statement.setString(2, name);
      try (ResultSet row = statement.executeQuery()) {
        if (row.next()) {
          throw new ServerException(
              ServerErrorCode.MEMBER_EXISTS,
              "pending change request " + row.getInt(1) + " adds a member '" + name + "' already");
        }
      }
    }
  }

  /** The collaboration's members with the PROVIDER role now, by id, in name order. */
  private static Map<Long, String> providers(Connection connection, long collaborationId)
      throws SQLException {
    Map<Long, String> providers = new LinkedHashMap<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select id, name, roles from member where collaboration_id = ? order by name")) {
      statement.setLong(1, collaborationId);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          if (MemberDirectory.parseRoles(row.getString(3)).contains(Role.PROVIDER)) {
            providers.put(row.getLong(1), row.getString(2));
          }
        }
      }
    }
    return providers;
  }

  private static void setStatus(
      Connection connection, long collaborationId, int number, String status) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update change_request set status = ?, decided_at = now()"
                + " where collaboration_id = ? and number = ?")) {
      statement.setString(1, status);
      statement.setLong(2, collaborationId);
      statement.setInt(3, number);
      statement.executeUpdate();
    }
  }

  private static void lockCollaboration(Connection connection, long collaborationId)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("select id from collaboration where id = ? for update")) {
      statement.setLong(1, collaborationId);
      statement.executeQuery().close();
    }
  }

  private static Optional<ChangeRequestView> find(
      Connection connection, long collaborationId, int number) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(SELECT + " where collaboration_id = ? and number = ?")) {
      statement.setLong(1, collaborationId);
      statement.setInt(2, number);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        OffsetDateTime decidedAt = row.getObject(8, OffsetDateTime.class);
        return Optional.of(
            new ChangeRequestView(
                row.getInt(1),
                Kind.valueOf(row.getString(2)),
                row.getString(3),
                MemberDirectory.parseRoles(row.getString(4)).stream().sorted().toList(),
                row.getString(5),
                row.getString(6),
                row.getObject(7, OffsetDateTime.class).toInstant(),
                decidedAt == null ? null : decidedAt.toInstant(),
                approvals(connection, collaborationId, number)));
      }
    }
  }

  private static List<Approval> approvals(Connection connection, long collaborationId, int number)
      throws SQLException {
    List<Approval> approvals = new ArrayList<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select m.name, a.status, a.decided_at from change_request_approval a"
                + " join member m on m.id = a.provider_member_id"
                + " where a.collaboration_id = ? and a.number = ? order by m.name")) {
      statement.setLong(1, collaborationId);
      statement.setInt(2, number);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          OffsetDateTime decidedAt = row.getObject(3, OffsetDateTime.class);
          approvals.add(
              new Approval(
                  row.getString(1),
                  row.getString(2),
                  decidedAt == null ? null : decidedAt.toInstant()));
        }
      }
    }
    return approvals;
  }
}
