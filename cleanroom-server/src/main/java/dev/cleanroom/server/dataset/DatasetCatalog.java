package dev.cleanroom.server.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.audit.OwnedTables;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/** Dataset declarations and their current versions in the metadata store. */
@ApplicationScoped
public class DatasetCatalog implements OwnedTables {
  private static final String SELECT =
      "select d.id, d.collaboration_id, d.name, d.owner_member_id, m.name, d.columns_json,"
          + " d.current_version, d.current_policy_version, v.scale_out"
          + " from dataset d join member m on m.id = d.owner_member_id"
          + " left join dataset_version v"
          + " on v.dataset_id = d.id and v.version = d.current_version";

  private static final Logger LOG = Logger.getLogger(DatasetCatalog.class);

  private final Jdbc jdbc;
  private final ObjectMapper json;
  private final ScaleOutMarks marks;

  @Inject
  public DatasetCatalog(Jdbc jdbc, ObjectMapper json, ScaleOutMarks marks) {
    this.jdbc = jdbc;
    this.json = json;
    this.marks = marks;
  }

  /**
   * Marks, once, the versions stored before the scale-out mark existed ({@link ScaleOutMarks}), so
   * that {@code auto} treats every version alike.
   */
  void onStart(@Observes StartupEvent event) {
    int marked =
        jdbc.inTransaction(
            connection -> {
              int count = 0;
              try (PreparedStatement select =
                      connection.prepareStatement(
                          "select dataset_id, version, row_count from dataset_version"
                              + " where scale_out is null for update");
                  PreparedStatement update =
                      connection.prepareStatement(
                          "update dataset_version set scale_out = ?"
                              + " where dataset_id = ? and version = ?");
                  ResultSet row = select.executeQuery()) {
                while (row.next()) {
                  update.setBoolean(1, marks.mark(row.getLong(3)));
                  update.setLong(2, row.getLong(1));
                  update.setInt(3, row.getInt(2));
                  update.executeUpdate();
                  count++;
                }
              }
              return count;
            });
    if (marked > 0) {
      LOG.infof("event=scale_out_marks_backfilled versions=%d", marked);
    }
  }

  public Dataset declare(Caller owner, DatasetDeclaration declaration) {
    return jdbc.inTransaction(
        connection -> {
          if (find(connection, owner.collaborationId(), declaration.name()).isPresent()) {
            throw new ServerException(
                ServerErrorCode.CONFLICT, "dataset '" + declaration.name() + "' exists already");
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "insert into dataset (collaboration_id, owner_member_id, name, columns_json)"
                      + " values (?, ?, ?, ?)")) {
            statement.setLong(1, owner.collaborationId());
            statement.setLong(2, owner.memberId());
            statement.setString(3, declaration.name());
            statement.setString(4, write(declaration.columns()));
            statement.executeUpdate();
          }
          Dataset dataset = find(connection, owner.collaborationId(), declaration.name()).get();
          AuditLog.append(
              connection,
              owner.collaborationId(),
              AuditEntry.success(
                  owner.member(),
                  "DATASET_DECLARED",
                  List.of(dataset.table()),
                  "columns=" + declaration.columns().size()));
          return dataset;
        });
  }

  /**
   * Records a data version the store has committed and makes it current.
   *
   * @param reason {@code UPLOAD} or {@code ERASURE}
   */
  public Dataset recordVersion(
      Dataset dataset, int version, String storageRef, long rows, String reason, Caller by) {
    return jdbc.inTransaction(
        connection -> {
          insertVersion(connection, dataset, version, storageRef, rows, reason, by);
          AuditLog.append(
              connection,
              dataset.collaborationId(),
              AuditEntry.success(
                  by.member(),
                  "ERASURE".equals(reason) ? "UNIT_ERASED" : "DATA_UPLOADED",
                  List.of(dataset.table()),
                  "dataVersion=" + version + " rows=" + rows));
          return find(connection, dataset.collaborationId(), dataset.name()).orElseThrow();
        });
  }

  /**
   * Records an erasure the store has committed, in one transaction: its version (made current), the
   * older versions it removed, and its receipt, which names the person by {@code
   * subjectFingerprint} only; audited as {@code UNIT_ERASED} with the receipt's id.
   */
  public RecordedErasure recordErasure(
      Dataset dataset,
      int version,
      String storageRef,
      long rows,
      long rowsRemoved,
      List<Long> versionsRemoved,
      String subjectFingerprint,
      Caller by) {
    String receipt = UUID.randomUUID().toString();
    return jdbc.inTransaction(
        connection -> {
          insertVersion(connection, dataset, version, storageRef, rows, "ERASURE", by);
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update dataset_version set removed_at = now() where dataset_id = ?"
                      + " and version = any(?) and removed_at is null")) {
            statement.setLong(1, dataset.id());
            statement.setArray(
                2,
                connection.createArrayOf(
                    "integer", versionsRemoved.stream().map(Math::toIntExact).toArray()));
            statement.executeUpdate();
          }
          Instant erasedAt;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "insert into erasure_receipt (id, dataset_id, subject_fingerprint, version,"
                      + " rows_removed, versions_removed, erased_by) values (?, ?, ?, ?, ?, ?, ?)"
                      + " returning erased_at")) {
            statement.setString(1, receipt);
            statement.setLong(2, dataset.id());
            statement.setString(3, subjectFingerprint);
            statement.setInt(4, version);
            statement.setLong(5, rowsRemoved);
            statement.setArray(
                6,
                connection.createArrayOf(
                    "integer", versionsRemoved.stream().map(Math::toIntExact).toArray()));
            statement.setLong(7, by.memberId());
            try (ResultSet row = statement.executeQuery()) {
              row.next();
              erasedAt = row.getObject(1, OffsetDateTime.class).toInstant();
            }
          }
          AuditLog.append(
              connection,
              dataset.collaborationId(),
              AuditEntry.success(
                  by.member(),
                  "UNIT_ERASED",
                  List.of(dataset.table()),
                  "dataVersion="
                      + version
                      + " rows="
                      + rows
                      + " receipt="
                      + receipt
                      + " versionsRemoved="
                      + versionsRemoved));
          Dataset updated =
              find(connection, dataset.collaborationId(), dataset.name()).orElseThrow();
          return new RecordedErasure(updated, receipt, erasedAt);
        });
  }

  /** An erasure as recorded: the dataset after it, and its receipt's id and time. */
  public record RecordedErasure(Dataset dataset, String receipt, Instant erasedAt) {}

  private void insertVersion(
      Connection connection,
      Dataset dataset,
      int version,
      String storageRef,
      long rows,
      String reason,
      Caller by)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into dataset_version (dataset_id, version, storage_ref, row_count,"
                + " reason, created_by, scale_out) values (?, ?, ?, ?, ?, ?, ?)")) {
      statement.setLong(1, dataset.id());
      statement.setInt(2, version);
      statement.setString(3, storageRef);
      statement.setLong(4, rows);
      statement.setString(5, reason);
      statement.setLong(6, by.memberId());
      // Decided here, once per version, with noise: never from an exact size at query time.
      statement.setBoolean(7, marks.mark(rows));
      statement.executeUpdate();
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update dataset set current_version = ? where id = ?"
                + " and (current_version is null or current_version < ?)")) {
      statement.setInt(1, version);
      statement.setLong(2, dataset.id());
      statement.setInt(3, version);
      statement.executeUpdate();
    }
  }

  /**
   * A dataset's data versions, newest first, with their exact row counts: for its owner only, whose
   * own rows they count.
   */
  public List<DataVersionView> versions(Dataset dataset) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select version, row_count, reason, created_at, removed_at from dataset_version"
                      + " where dataset_id = ? order by version desc")) {
            statement.setLong(1, dataset.id());
            List<DataVersionView> versions = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                versions.add(
                    new DataVersionView(
                        row.getInt(1),
                        row.getLong(2),
                        row.getString(3),
                        row.getObject(4, OffsetDateTime.class).toInstant(),
                        Optional.ofNullable(row.getObject(5, OffsetDateTime.class))
                            .map(OffsetDateTime::toInstant)
                            .orElse(null)));
              }
            }
            return versions;
          }
        });
  }

  /**
   * One data version of a dataset.
   *
   * @param reason {@code UPLOAD} or {@code ERASURE}
   * @param removedAt when its files were removed (an erasure removes the versions that held the
   *     person), else {@code null}
   */
  public record DataVersionView(
      int version, long rowCount, String reason, Instant createdAt, Instant removedAt) {}

  public List<Dataset> list(long collaborationId) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  SELECT + " where d.collaboration_id = ? order by m.name, d.name")) {
            statement.setLong(1, collaborationId);
            List<Dataset> datasets = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                datasets.add(toDataset(row));
              }
            }
            return datasets;
          }
        });
  }

  /** Every dataset of every collaboration. */
  public List<Dataset> listAll() {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  SELECT + " order by d.collaboration_id, m.name, d.name")) {
            List<Dataset> datasets = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                datasets.add(toDataset(row));
              }
            }
            return datasets;
          }
        });
  }

  /** The dataset, or 404. */
  public Dataset require(long collaborationId, String name) {
    return jdbc.inTransaction(connection -> find(connection, collaborationId, name))
        .orElseThrow(() -> ServerException.notFound("dataset '" + name + "'"));
  }

  public Optional<Dataset> find(Connection connection, long collaborationId, String name)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(SELECT + " where d.collaboration_id = ? and d.name = ?")) {
      statement.setLong(1, collaborationId);
      statement.setString(2, name);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? Optional.of(toDataset(row)) : Optional.empty();
      }
    }
  }

  @Override
  public List<String> tablesOwnedBy(long collaborationId, long ownerId) {
    return list(collaborationId).stream()
        .filter(d -> d.ownerId() == ownerId)
        .map(Dataset::table)
        .toList();
  }

  private Dataset toDataset(ResultSet row) throws SQLException {
    return new Dataset(
        row.getLong(1),
        row.getLong(2),
        row.getString(3),
        row.getLong(4),
        row.getString(5),
        read(row.getString(6)),
        (Integer) row.getObject(7),
        (Integer) row.getObject(8),
        Boolean.TRUE.equals(row.getObject(9)));
  }

  private String write(List<DeclaredColumn> columns) {
    try {
      return json.writeValueAsString(columns);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a column declaration", e);
    }
  }

  private List<DeclaredColumn> read(String columns) {
    try {
      return json.readValue(columns, new TypeReference<List<DeclaredColumn>>() {});
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a stored column declaration is unreadable", e);
    }
  }
}
