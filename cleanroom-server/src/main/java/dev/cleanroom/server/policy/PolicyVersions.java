package dev.cleanroom.server.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.policy.PolicyVersion.ProviderDecision;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Policy versions of datasets: drafts, the approved version in force, and the history. Putting a
 * version in force supersedes the previous approved version in the same transaction, so exactly one
 * version is ever in force. A version that widens what the version in force exposes waits, after a
 * privacy officer's approval, for the approval of every provider whose data it exposes.
 */
@ApplicationScoped
public class PolicyVersions {
  private static final String SELECT =
      "select p.version, p.status, a.name, r.name, p.created_at, p.approved_at, p.document"
          + " from policy_version p join member a on a.id = p.author_member_id"
          + " left join member r on r.id = p.approver_member_id";
  private static final String SELECT_PROVIDERS =
      "select pa.version, m.name, pa.status, pa.decided_at from policy_provider_approval pa"
          + " join member m on m.id = pa.provider_member_id";

  private final Jdbc jdbc;

  @Inject
  public PolicyVersions(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** What approving a version needs to know of the collaboration, asked in the transaction. */
  public interface ApprovalRules {
    /** Refuses, by throwing, a version the collaboration now contradicts. */
    void requireConsistent(PolicyVersion version);

    /** How {@code version} widens what {@code inForce} exposes, and whose data it exposes more. */
    Widening widening(PolicyVersion version, Optional<PolicyVersion> inForce);
  }

  /**
   * What a version exposes beyond the version in force.
   *
   * @param providers the providers whose approval it needs; empty when it widens nothing
   * @param description identifiers only, for the audit log (new analysts, new joins)
   */
  public record Widening(List<Provider> providers, String description) {
    public static final Widening NONE = new Widening(List.of(), "");

    public Widening {
      providers = List.copyOf(providers);
      requireNonNull(description, "description is null");
    }
  }

  /** A member asked to approve, as a provider. */
  public record Provider(long memberId, String name) {
    public Provider {
      requireNonNull(name, "name is null");
    }
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
   * A privacy officer's approval of a draft: the draft takes effect at once when it widens nothing
   * the version in force exposes (or there is none); otherwise it awaits the providers whose data
   * it exposes more, except the approving officer itself when it is one of them.
   *
   * @param selfApprovalAllowed whether the draft's author may approve it (the demo allows it)
   * @param rules asked in the transaction, once the draft is known to be a draft the approver may
   *     approve; an exception they throw refuses the approval and changes nothing
   */
  public PolicyVersion approve(
      Dataset dataset,
      int version,
      Caller approver,
      boolean selfApprovalAllowed,
      ApprovalRules rules) {
    return jdbc.inTransaction(
        connection -> {
          lockDataset(connection, dataset.id());
          PolicyVersion draft = findOrNotFound(connection, dataset, version);
          if (!PolicyVersion.DRAFT.equals(draft.status())) {
            throw new ServerException(
                ServerErrorCode.CONFLICT,
                "policy version " + version + " is " + draft.status() + ", not a draft");
          }
          if (draft.author().equals(approver.member()) && !selfApprovalAllowed) {
            throw ServerException.forbidden(
                "the author of a draft may not approve it; a second privacy officer must");
          }
          rules.requireConsistent(draft);
          Widening widening = rules.widening(draft, findApproved(connection, dataset.id()));
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update policy_version set approver_member_id = ?"
                      + " where dataset_id = ? and version = ?")) {
            statement.setLong(1, approver.memberId());
            statement.setLong(2, dataset.id());
            statement.setInt(3, version);
            statement.executeUpdate();
          }
          if (widening.providers().isEmpty()) {
            putInForce(connection, dataset, version);
            AuditLog.append(
                connection,
                dataset.collaborationId(),
                AuditEntry.success(
                    approver.member(),
                    "POLICY_APPROVED",
                    List.of(dataset.table()),
                    "policyVersion=" + version + " author=" + draft.author()));
            return find(connection, dataset.id(), version).orElseThrow();
          }
          // The approving officer, when it is one of the providers, approves as one too.
          ask(connection, dataset.id(), version, widening.providers(), approver.memberId());
          return awaitOrPutInForce(
              connection, dataset, draft, approver.member(), widening, approver.member());
        });
  }

  /**
   * A provider's approval ({@code approve}) or refusal of a version awaiting it. A refusal makes
   * the version {@code REFUSED}; the last awaited approval puts it in force as an officer's
   * approval does, after checking it again against the collaboration and the version in force now
   * (a version put in force meanwhile may make it expose more, and so ask more providers).
   */
  public PolicyVersion decide(
      Dataset dataset, int version, Caller provider, boolean approve, ApprovalRules rules) {
    return jdbc.inTransaction(
        connection -> {
          lockDataset(connection, dataset.id());
          PolicyVersion awaiting = findOrNotFound(connection, dataset, version);
          if (!PolicyVersion.AWAITING_PROVIDERS.equals(awaiting.status())) {
            throw new ServerException(
                ServerErrorCode.PROVIDER_APPROVAL_NOT_AWAITED,
                "policy version "
                    + version
                    + " of '"
                    + dataset.name()
                    + "' is "
                    + awaiting.status()
                    + ", not awaiting providers");
          }
          String decision = approve ? "APPROVED" : "REFUSED";
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update policy_provider_approval set status = ?, decided_at = now()"
                      + " where dataset_id = ? and version = ? and provider_member_id = ?"
                      + " and status = 'AWAITED'")) {
            statement.setString(1, decision);
            statement.setLong(2, dataset.id());
            statement.setInt(3, version);
            statement.setLong(4, provider.memberId());
            if (statement.executeUpdate() == 0) {
              throw new ServerException(
                  ServerErrorCode.PROVIDER_APPROVAL_NOT_AWAITED,
                  "policy version "
                      + version
                      + " of '"
                      + dataset.name()
                      + "' awaits no approval of '"
                      + provider.member()
                      + "'");
            }
          }
          AuditLog.append(
              connection,
              dataset.collaborationId(),
              AuditEntry.success(
                  provider.member(),
                  approve ? "POLICY_PROVIDER_APPROVED" : "POLICY_PROVIDER_REFUSED",
                  List.of(dataset.table()),
                  "policyVersion=" + version));
          if (!approve) {
            setStatus(connection, dataset.id(), version, PolicyVersion.REFUSED);
            return find(connection, dataset.id(), version).orElseThrow();
          }
          rules.requireConsistent(awaiting);
          Widening widening = rules.widening(awaiting, findApproved(connection, dataset.id()));
          long officer = approverId(connection, dataset.id(), version);
          ask(connection, dataset.id(), version, widening.providers(), officer);
          return awaitOrPutInForce(
              connection, dataset, awaiting, awaiting.approver(), widening, provider.member());
        });
  }

  /** Asks each of {@code providers} not asked yet; {@code approverId} approves at once. */
  private static void ask(
      Connection connection, long datasetId, int version, List<Provider> providers, long approverId)
      throws SQLException {
    Set<Long> asked = new HashSet<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select provider_member_id from policy_provider_approval"
                + " where dataset_id = ? and version = ?")) {
      statement.setLong(1, datasetId);
      statement.setInt(2, version);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          asked.add(row.getLong(1));
        }
      }
    }
    for (Provider provider : providers) {
      if (!asked.add(provider.memberId())) {
        continue;
      }
      boolean self = provider.memberId() == approverId;
      try (PreparedStatement statement =
          connection.prepareStatement(
              "insert into policy_provider_approval"
                  + " (dataset_id, version, provider_member_id, status, decided_at)"
                  + " values (?, ?, ?, ?, "
                  + (self ? "now()" : "null")
                  + ")")) {
        statement.setLong(1, datasetId);
        statement.setInt(2, version);
        statement.setLong(3, provider.memberId());
        statement.setString(4, self ? "APPROVED" : ProviderDecision.AWAITED);
        statement.executeUpdate();
      }
    }
  }

  /**
   * Puts {@code candidate} in force when no provider's approval is awaited any more; otherwise
   * marks it {@code AWAITING_PROVIDERS}. Audited as {@code POLICY_APPROVED} or {@code
   * POLICY_AWAITING_PROVIDERS} by {@code actor}.
   */
  private static PolicyVersion awaitOrPutInForce(
      Connection connection,
      Dataset dataset,
      PolicyVersion candidate,
      String officer,
      Widening widening,
      String actor)
      throws SQLException {
    int version = candidate.version();
    List<ProviderDecision> decisions = decisions(connection, dataset.id()).get(version);
    List<String> awaited =
        decisions == null
            ? List.of()
            : decisions.stream()
                .filter(d -> ProviderDecision.AWAITED.equals(d.status()))
                .map(ProviderDecision::provider)
                .toList();
    String providers =
        decisions == null
            ? ""
            : decisions.stream().map(ProviderDecision::provider).collect(Collectors.joining(","));
    if (awaited.isEmpty()) {
      putInForce(connection, dataset, version);
      AuditLog.append(
          connection,
          dataset.collaborationId(),
          AuditEntry.success(
              actor,
              "POLICY_APPROVED",
              List.of(dataset.table()),
              "policyVersion="
                  + version
                  + " author="
                  + candidate.author()
                  + " approver="
                  + officer
                  + " providers="
                  + providers));
    } else {
      setStatus(connection, dataset.id(), version, PolicyVersion.AWAITING_PROVIDERS);
      AuditLog.append(
          connection,
          dataset.collaborationId(),
          AuditEntry.success(
              actor,
              "POLICY_AWAITING_PROVIDERS",
              List.of(dataset.table()),
              "policyVersion="
                  + version
                  + " author="
                  + candidate.author()
                  + (widening.description().isEmpty() ? "" : " " + widening.description())
                  + " awaiting="
                  + String.join(",", awaited)));
    }
    return find(connection, dataset.id(), version).orElseThrow();
  }

  /**
   * Makes {@code version} the one in force: the previous approved version is superseded, the
   * dataset points at this one. The one path by which any version takes effect.
   */
  private static void putInForce(Connection connection, Dataset dataset, int version)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update policy_version set status = 'SUPERSEDED'"
                + " where dataset_id = ? and status = 'APPROVED'")) {
      statement.setLong(1, dataset.id());
      statement.executeUpdate();
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update policy_version set status = 'APPROVED', approved_at = now()"
                + " where dataset_id = ? and version = ?")) {
      statement.setLong(1, dataset.id());
      statement.setInt(2, version);
      statement.executeUpdate();
    }
    try (PreparedStatement statement =
        connection.prepareStatement("update dataset set current_policy_version = ? where id = ?")) {
      statement.setInt(1, version);
      statement.setLong(2, dataset.id());
      statement.executeUpdate();
    }
  }

  private static void setStatus(Connection connection, long datasetId, int version, String status)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update policy_version set status = ? where dataset_id = ? and version = ?")) {
      statement.setString(1, status);
      statement.setLong(2, datasetId);
      statement.setInt(3, version);
      statement.executeUpdate();
    }
  }

  private static long approverId(Connection connection, long datasetId, int version)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select approver_member_id from policy_version where dataset_id = ? and version = ?")) {
      statement.setLong(1, datasetId);
      statement.setInt(2, version);
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getLong(1);
      }
    }
  }

  public List<PolicyVersion> history(long datasetId) {
    return jdbc.inTransaction(
        connection -> {
          Map<Integer, List<ProviderDecision>> decisions = decisions(connection, datasetId);
          try (PreparedStatement statement =
              connection.prepareStatement(SELECT + " where p.dataset_id = ? order by p.version")) {
            statement.setLong(1, datasetId);
            List<PolicyVersion> versions = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                versions.add(toVersion(row, decisions));
              }
            }
            return versions;
          }
        });
  }

  public PolicyVersion require(Dataset dataset, int version) {
    return jdbc.inTransaction(connection -> findOrNotFound(connection, dataset, version));
  }

  /** The approved version in force, if any. */
  public Optional<PolicyVersion> current(Dataset dataset) {
    if (dataset.currentPolicyVersion() == null) {
      return Optional.empty();
    }
    return jdbc.inTransaction(
        connection -> find(connection, dataset.id(), dataset.currentPolicyVersion()));
  }

  /**
   * The version in force as the database says now, whatever version a {@link Dataset} read earlier
   * names: what an upload checks its rows against once no other version is being written.
   */
  public Optional<PolicyVersion> inForceNow(Dataset dataset) {
    return jdbc.inTransaction(connection -> findApproved(connection, dataset.id()));
  }

  private static PolicyVersion findOrNotFound(Connection connection, Dataset dataset, int version)
      throws SQLException {
    return find(connection, dataset.id(), version)
        .orElseThrow(
            () ->
                ServerException.notFound(
                    "policy version " + version + " of '" + dataset.name() + "'"));
  }

  /** The version in force as the locked dataset's rows say now. */
  private static Optional<PolicyVersion> findApproved(Connection connection, long datasetId)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select version from policy_version where dataset_id = ? and status = 'APPROVED'")) {
      statement.setLong(1, datasetId);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        int version = row.getInt(1);
        return find(connection, datasetId, version);
      }
    }
  }

  private static Optional<PolicyVersion> find(Connection connection, long datasetId, int version)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(SELECT + " where p.dataset_id = ? and p.version = ?")) {
      statement.setLong(1, datasetId);
      statement.setInt(2, version);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          return Optional.empty();
        }
        return Optional.of(toVersion(row, decisions(connection, datasetId)));
      }
    }
  }

  /** The providers' decisions on every version of a dataset, by version, providers by name. */
  private static Map<Integer, List<ProviderDecision>> decisions(
      Connection connection, long datasetId) throws SQLException {
    Map<Integer, List<ProviderDecision>> decisions = new HashMap<>();
    try (PreparedStatement statement =
        connection.prepareStatement(
            SELECT_PROVIDERS + " where pa.dataset_id = ? order by pa.version, m.name")) {
      statement.setLong(1, datasetId);
      try (ResultSet row = statement.executeQuery()) {
        while (row.next()) {
          OffsetDateTime decidedAt = row.getObject(4, OffsetDateTime.class);
          decisions
              .computeIfAbsent(row.getInt(1), v -> new ArrayList<>())
              .add(
                  new ProviderDecision(
                      row.getString(2),
                      row.getString(3),
                      decidedAt == null ? null : decidedAt.toInstant()));
        }
      }
    }
    return decisions;
  }

  private static void lockDataset(Connection connection, long datasetId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("select id from dataset where id = ? for update")) {
      statement.setLong(1, datasetId);
      statement.executeQuery().close();
    }
  }

  private static PolicyVersion toVersion(
      ResultSet row, Map<Integer, List<ProviderDecision>> decisions) throws SQLException {
    OffsetDateTime approvedAt = row.getObject(6, OffsetDateTime.class);
    int version = row.getInt(1);
    return new PolicyVersion(
        version,
        row.getString(2),
        row.getString(3),
        row.getString(4),
        row.getObject(5, OffsetDateTime.class).toInstant(),
        approvedAt == null ? null : approvedAt.toInstant(),
        row.getString(7),
        decisions.get(version));
  }
}
