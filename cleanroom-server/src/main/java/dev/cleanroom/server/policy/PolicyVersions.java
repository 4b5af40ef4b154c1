package dev.cleanroom.server.policy;

import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.dataset.Dataset;
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
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Policy versions of datasets: drafts, the approved version in force, and the history. Approving a
 * draft supersedes the previous approved version in the same transaction, so exactly one version is
 * ever in force.
 */
@ApplicationScoped
public class PolicyVersions {
  private static final String SELECT =
      "select p.version, p.status, a.name, r.name, p.created_at, p.approved_at, p.document"
          + " from policy_version p join member a on a.id = p.author_member_id"
          + " left join member r on r.id = p.approver_member_id";

  private final Jdbc jdbc;

  @Inject
  public PolicyVersions(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** Stores a validated policy document as the dataset's next draft. */
  public PolicyVersion propose(Dataset dataset, Caller author, String document) {
    return jdbc.inTransaction(
        connection -> {
          lockDataset(connection, dataset.id());
          int version;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select coalesce(max(version), 0) + 1 from policy_version where dataset_id = ?")) {
            statement.setLong(1, dataset.id());
            try (ResultSet row = statement.executeQuery()) {
              row.next();
              version = row.getInt(1);
            }
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "insert into policy_version"
                      + " (dataset_id, version, document, status, author_member_id)"
                      + " values (?, ?, ?, 'DRAFT', ?)")) {
            statement.setLong(1, dataset.id());
            statement.setInt(2, version);
            statement.setString(3, document);
            statement.setLong(4, author.memberId());
            statement.executeUpdate();
          }
          AuditLog.append(
              connection,
              dataset.collaborationId(),
              AuditEntry.success(
                  author.member(),
                  "POLICY_PROPOSED",
                  List.of(dataset.table()),
                  "policyVersion=" + version));
          return find(connection, dataset.id(), version).orElseThrow();
        });
  }

  /**
   * Makes a draft the version in force.
   *
   * @param selfApprovalAllowed whether the draft's author may approve it (the demo allows it)
   * @param check runs on the draft, in the transaction, once it is known to be a draft the approver
   *     may approve; an exception it throws refuses the approval and changes nothing
   */
  public PolicyVersion approve(
      Dataset dataset,
      int version,
      Caller approver,
      boolean selfApprovalAllowed,
      Consumer<PolicyVersion> check) {
    return jdbc.inTransaction(
        connection -> {
          lockDataset(connection, dataset.id());
          PolicyVersion draft =
              find(connection, dataset.id(), version)
                  .orElseThrow(
                      () ->
                          ServerException.notFound(
                              "policy version " + version + " of '" + dataset.name() + "'"));
          if (!PolicyVersion.DRAFT.equals(draft.status())) {
            throw new ServerException(
                ServerErrorCode.CONFLICT,
                "policy version " + version + " is " + draft.status() + ", not a draft");
          }
          if (draft.author().equals(approver.member()) && !selfApprovalAllowed) {
            throw ServerException.forbidden(
                "the author of a draft may not approve it; a second privacy officer must");
          }
          check.accept(draft);
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update policy_version set status = 'SUPERSEDED'"
                      + " where dataset_id = ? and status = 'APPROVED'")) {
            statement.setLong(1, dataset.id());
            statement.executeUpdate();
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update policy_version set status = 'APPROVED', approver_member_id = ?,"
                      + " approved_at = now() where dataset_id = ? and version = ?")) {
            statement.setLong(1, approver.memberId());
            statement.setLong(2, dataset.id());
            statement.setInt(3, version);
            statement.executeUpdate();
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update dataset set current_policy_version = ? where id = ?")) {
            statement.setInt(1, version);
            statement.setLong(2, dataset.id());
            statement.executeUpdate();
          }
          AuditLog.append(
              connection,
              dataset.collaborationId(),
              AuditEntry.success(
                  approver.member(),
                  "POLICY_APPROVED",
                  List.of(dataset.table()),
                  "policyVersion=" + version + " author=" + draft.author()));
          return find(connection, dataset.id(), version).orElseThrow();
        });
  }

  public List<PolicyVersion> history(long datasetId) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(SELECT + " where p.dataset_id = ? order by p.version")) {
            statement.setLong(1, datasetId);
            List<PolicyVersion> versions = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                versions.add(toVersion(row));
              }
            }
            return versions;
          }
        });
  }

  public PolicyVersion require(Dataset dataset, int version) {
    return jdbc.inTransaction(connection -> find(connection, dataset.id(), version))
        .orElseThrow(
            () ->
                ServerException.notFound(
                    "policy version " + version + " of '" + dataset.name() + "'"));
  }

  /** The approved version in force, if any. */
  public Optional<PolicyVersion> current(Dataset dataset) {
    if (dataset.currentPolicyVersion() == null) {
      return Optional.empty();
    }
    return jdbc.inTransaction(
        connection -> find(connection, dataset.id(), dataset.currentPolicyVersion()));
  }

  private static Optional<PolicyVersion> find(Connection connection, long datasetId, int version)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(SELECT + " where p.dataset_id = ? and p.version = ?")) {
      statement.setLong(1, datasetId);
      statement.setInt(2, version);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? Optional.of(toVersion(row)) : Optional.empty();
      }
    }
  }

  private static void lockDataset(Connection connection, long datasetId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("select id from dataset where id = ? for update")) {
      statement.setLong(1, datasetId);
      statement.executeQuery().close();
    }
  }

  private static PolicyVersion toVersion(ResultSet row) throws SQLException {
    OffsetDateTime approvedAt = row.getObject(6, OffsetDateTime.class);
    return new PolicyVersion(
        row.getInt(1),
        row.getString(2),
        row.getString(3),
        row.getString(4),
        row.getObject(5, OffsetDateTime.class).toInstant(),
        approvedAt == null ? null : approvedAt.toInstant(),
        row.getString(7));
  }
}
