package dev.cleanroom.server.audit;

import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The append-only, hash-chained audit log, one chain per collaboration. Each event's hash covers
 * its fields and the previous event's hash; the chain's head is kept apart so that removing the
 * newest events is detected too.
 */
@ApplicationScoped
public class AuditLog {
  private static final Logger LOG = Logger.getLogger(AuditLog.class);
  static final String GENESIS = "0".repeat(64);
  private static final int EPSILON_SCALE = 12;

  private final Jdbc jdbc;

  @Inject
  public AuditLog(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /** Starts the chain of a new collaboration, inside the transaction that creates it. */
  public static void startChain(Connection connection, long collaborationId) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into audit_head (collaboration_id, position, hash) values (?, 0, ?)")) {
      statement.setLong(1, collaborationId);
      statement.setString(2, GENESIS);
      statement.executeUpdate();
    }
  }

  /** Appends in its own transaction. */
  public AuditEvent append(long collaborationId, AuditEntry entry) {
    return jdbc.inTransaction(connection -> append(connection, collaborationId, entry));
  }

  /** Appends inside the caller's transaction, so the event lands exactly when the change does. */
  public static AuditEvent append(Connection connection, long collaborationId, AuditEntry entry)
      throws SQLException {
    long previousPosition;
    String previousHash;
    // The head row lock serialises appends of one collaboration.
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select position, hash from audit_head where collaboration_id = ? for update")) {
      statement.setLong(1, collaborationId);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw new IllegalStateException("no audit chain for collaboration " + collaborationId);
        }
        previousPosition = row.getLong(1);
        previousHash = row.getString(2);
      }
    }
    long position = previousPosition + 1;
    Instant time = Instant.now().truncatedTo(ChronoUnit.MICROS);
    BigDecimal epsilon = normalise(entry.epsilon());
    String hash =
        hash(
            collaborationId,
            position,
            time,
            entry.actor(),
            entry.action(),
            entry.datasets(),
            entry.detail(),
            epsilon,
            entry.outcome(),
            previousHash);
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into audit_event (collaboration_id, position, occurred_at, actor, action,"
                + " datasets, detail, epsilon, outcome, previous_hash, hash)"
                + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      statement.setLong(1, collaborationId);
      statement.setLong(2, position);
      statement.setObject(3, OffsetDateTime.ofInstant(time, ZoneOffset.UTC));
      statement.setString(4, entry.actor());
      statement.setString(5, entry.action());
      statement.setArray(6, connection.createArrayOf("text", entry.datasets().toArray()));
      statement.setString(7, entry.detail());
      statement.setBigDecimal(8, epsilon);
      statement.setString(9, entry.outcome());
      statement.setString(10, previousHash);
      statement.setString(11, hash);
      statement.executeUpdate();
    }
    try (PreparedStatement statement =
        connection.prepareStatement(
            "update audit_head set position = ?, hash = ? where collaboration_id = ?")) {
      statement.setLong(1, position);
      statement.setString(2, hash);
      statement.setLong(3, collaborationId);
      statement.executeUpdate();
    }
    LOG.infof(
        "event=audit action=%s actor=%s outcome=%s position=%d",
        entry.action(), entry.actor(), entry.outcome(), position);
    return new AuditEvent(
        position,
        time,
        entry.actor(),
        entry.action(),
        entry.datasets(),
        entry.detail(),
        epsilon,
        entry.outcome(),
        previousHash,
        hash);
  }

  /**
   * Events after {@code afterPosition}, oldest first; {@code datasetsFilter} keeps only events that
   * involve one of those datasets or whose actor is {@code actorFilter} ({@code null}: all events).
   */
  public List<AuditEvent> read(
      long collaborationId,
      long afterPosition,
      int limit,
      List<String> datasetsFilter,
      String actorFilter) {
    return jdbc.inTransaction(
        connection -> {
          String sql =
              "select position, occurred_at, actor, action, datasets, detail, epsilon, outcome,"
                  + " previous_hash, hash from audit_event where collaboration_id = ?"
                  + " and position > ?"
                  + (datasetsFilter == null ? "" : " and (datasets && ? or actor = ?)")
                  + " order by position limit ?";
          try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            statement.setLong(index++, collaborationId);
            statement.setLong(index++, afterPosition);
            if (datasetsFilter != null) {
              statement.setArray(
                  index++, connection.createArrayOf("text", datasetsFilter.toArray()));
              statement.setString(index++, actorFilter);
            }
            statement.setInt(index, limit);
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                events.add(toEvent(row));
              }
            }
            return events;
          }
        });
  }

  /**
   * The events of queries that read {@code table} (answered, freshly or from the cache, or failed
   * after their budget was reserved), oldest first: what a subject lookup matches against the
   * versions that held the person.
   */
  public List<AuditEvent> queriesReading(long collaborationId, String table) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select position, occurred_at, actor, action, datasets, detail, epsilon,"
                      + " outcome, previous_hash, hash from audit_event where collaboration_id = ?"
                      + " and action in ('QUERY_ANSWERED', 'QUERY_FAILED') and ? = any(datasets)"
                      + " order by position")) {
            statement.setLong(1, collaborationId);
            statement.setString(2, table);
            List<AuditEvent> events = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                events.add(toEvent(row));
              }
            }
            return events;
          }
        });
  }

  /** Recomputes the whole chain of a collaboration. */
  public AuditVerification verify(long collaborationId) {
    return jdbc.inTransaction(
        connection -> {
          long headPosition;
          String headHash;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select position, hash from audit_head where collaboration_id = ?")) {
            statement.setLong(1, collaborationId);
            try (ResultSet row = statement.executeQuery()) {
              if (!row.next()) {
                return AuditVerification.broken(0, 0, "the chain has no head");
              }
              headPosition = row.getLong(1);
              headHash = row.getString(2);
            }
          }
          long expectedPosition = 1;
          String previousHash = GENESIS;
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select position, occurred_at, actor, action, datasets, detail, epsilon,"
                      + " outcome, previous_hash, hash from audit_event"
                      + " where collaboration_id = ? order by position")) {
            statement.setLong(1, collaborationId);
            statement.setFetchSize(1000);
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                AuditEvent event = toEvent(row);
                if (event.position() != expectedPosition) {
                  return AuditVerification.broken(
                      expectedPosition - 1, expectedPosition, "an event is missing");
                }
                if (!event.previousHash().equals(previousHash)) {
                  return AuditVerification.broken(
                      expectedPosition - 1,
                      expectedPosition,
                      "the event does not follow the previous one");
                }
                String recomputed =
                    hash(
                        collaborationId,
                        event.position(),
                        event.time(),
                        event.actor(),
                        event.action(),
                        event.datasets(),
                        event.detail(),
                        event.epsilon(),
                        event.outcome(),
                        event.previousHash());
                if (!recomputed.equals(event.hash())) {
                  return AuditVerification.broken(
                      expectedPosition - 1, expectedPosition, "the event was modified");
                }
                previousHash = event.hash();
                expectedPosition++;
              }
            }
          }
          long verified = expectedPosition - 1;
          if (verified != headPosition || !previousHash.equals(headHash)) {
            return AuditVerification.broken(
                verified, verified + 1, "events at the end of the chain are missing");
          }
          return AuditVerification.valid(verified, headHash);
        });
  }

  private static AuditEvent toEvent(ResultSet row) throws SQLException {
    Array datasets = row.getArray(5);
    return new AuditEvent(
        row.getLong(1),
        row.getObject(2, OffsetDateTime.class).toInstant(),
        row.getString(3),
        row.getString(4),
        Arrays.asList((String[]) datasets.getArray()),
        row.getString(6),
        row.getBigDecimal(7),
        row.getString(8),
        row.getString(9),
        row.getString(10));
  }

  private static BigDecimal normalise(BigDecimal epsilon) {
    return epsilon == null ? null : epsilon.setScale(EPSILON_SCALE, RoundingMode.UNNECESSARY);
  }

  static String hash(
      long collaborationId,
      long position,
      Instant time,
      String actor,
      String action,
      List<String> datasets,
      String detail,
      BigDecimal epsilon,
      String outcome,
      String previousHash) {
    // Length-prefixed fields, so no two different events share an encoding.
    StringBuilder canonical = new StringBuilder();
    for (String field :
        List.of(
            Long.toString(collaborationId),
            Long.toString(position),
            Long.toString(ChronoUnit.MICROS.between(Instant.EPOCH, time)),
            actor,
            action,
            String.join("\u0000", datasets),
            detail,
            epsilon == null ? "-" : normalise(epsilon).toPlainString(),
            outcome,
            previousHash)) {
      canonical.append(field.length()).append(':').append(field).append(';');
    }
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      return HexFormat.of()
          .formatHex(digest.digest(canonical.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
