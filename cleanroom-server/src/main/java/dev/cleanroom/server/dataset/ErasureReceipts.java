package dev.cleanroom.server.dataset;

import dev.cleanroom.server.store.Jdbc;
import io.quarkus.qute.TemplateData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The erasure receipts the dataset catalog records, read back by person or by id. */
@ApplicationScoped
public class ErasureReceipts {
  private static final String SELECT =
      "select r.id, r.version, r.rows_removed, r.versions_removed, m.name, r.erased_at"
          + " from erasure_receipt r join member m on m.id = r.erased_by";

  private final Jdbc jdbc;

  @Inject
  public ErasureReceipts(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** The receipts of one person's erasures from a dataset, oldest first. */
  public List<ErasureReceipt> of(Dataset dataset, String subjectFingerprint) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  SELECT
                      + " where r.dataset_id = ? and r.subject_fingerprint = ?"
                      + " order by r.erased_at, r.version")) {
            statement.setLong(1, dataset.id());
            statement.setString(2, subjectFingerprint);
            List<ErasureReceipt> receipts = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                receipts.add(toReceipt(dataset, row));
              }
            }
            return receipts;
          }
        });
  }

  /** Every erasure receipt of a dataset, newest first. */
  public List<ErasureReceipt> all(Dataset dataset) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  SELECT + " where r.dataset_id = ? order by r.erased_at desc, r.version desc")) {
            statement.setLong(1, dataset.id());
            List<ErasureReceipt> receipts = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                receipts.add(toReceipt(dataset, row));
              }
            }
            return receipts;
          }
        });
  }

  /** One receipt of a dataset by its id. */
  public Optional<ErasureReceipt> find(Dataset dataset, String id) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(SELECT + " where r.dataset_id = ? and r.id = ?")) {
            statement.setLong(1, dataset.id());
            statement.setString(2, id);
            try (ResultSet row = statement.executeQuery()) {
              return row.next() ? Optional.of(toReceipt(dataset, row)) : Optional.empty();
            }
          }
        });
  }

  private static ErasureReceipt toReceipt(Dataset dataset, ResultSet row) throws SQLException {
    Array removed = row.getArray(4);
    return new ErasureReceipt(
        row.getString(1).strip(),
        dataset.table(),
        row.getInt(2),
        row.getLong(3),
        Arrays.stream((Integer[]) removed.getArray()).sorted().toList(),
        row.getString(5),
        row.getObject(6, OffsetDateTime.class).toInstant());
  }

  /**
   * The record of one erasure of one person from one dataset; it names the person nowhere.
   *
   * @param receipt its id
   * @param table the dataset ({@code member.dataset})
   * @param version the version written without the person, which queries read from then on
   * @param rowsRemoved the person's rows in the version before it
   * @param versionsRemoved the older versions removed from storage because they held the person
   * @param erasedBy the member that asked for the erasure
   */
  @TemplateData
  public record ErasureReceipt(
      String receipt,
      String table,
      int version,
      long rowsRemoved,
      List<Integer> versionsRemoved,
      String erasedBy,
      Instant erasedAt) {
    public ErasureReceipt {
      versionsRemoved = List.copyOf(versionsRemoved);
    }
  }
}
