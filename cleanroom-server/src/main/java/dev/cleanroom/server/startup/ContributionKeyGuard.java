package dev.cleanroom.server.startup;

import dev.cleanroom.server.LibraryProducers;
import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Refuses to start with a contribution key other than the one the metadata store first saw, unless
 * {@code cleanroom.contribution-key.rotate=true}: a new key re-picks every person's kept groups, so
 * answers before and after are computed on different selections (docs/OPERATIONS.md). A rotation
 * allowed that way is recorded in every collaboration's audit log.
 */
@Singleton
public class ContributionKeyGuard {
  private static final Logger LOG = Logger.getLogger(ContributionKeyGuard.class);
  static final String NAME = "contribution-key";
  private static final byte[] LABEL =
      "cleanroom/v1/contribution-key-fingerprint".getBytes(StandardCharsets.US_ASCII);

  void onStart(
      @Observes StartupEvent event,
      Jdbc jdbc,
      @ConfigProperty(name = "cleanroom.data-dir") String dataDir,
      @ConfigProperty(name = "cleanroom.contribution-key") Optional<String> configured,
      @ConfigProperty(name = "cleanroom.contribution-key.rotate", defaultValue = "false")
          boolean rotate) {
    String fingerprint = fingerprint(LibraryProducers.contributionKeyBytes(dataDir, configured));
    jdbc.inTransaction(
        connection -> {
          Optional<String> recorded = recorded(connection);
          if (recorded.isEmpty()) {
            write(
                connection,
                fingerprint,
                "insert into secret_fingerprint (fingerprint, name) values (?, ?)");
            return null;
          }
          if (recorded.get().equals(fingerprint)) {
            return null;
          }
          if (!rotate) {
            LOG.error("event=contribution_key_changed action=refused");
            throw new IllegalStateException(
                "refusing to start: cleanroom.contribution-key is not the key this server's"
                    + " metadata was used with. A new key re-picks every person's kept groups"
                    + " (docs/OPERATIONS.md); restore the old key, or set"
                    + " cleanroom.contribution-key.rotate=true to rotate it on purpose");
          }
          write(
              connection,
              fingerprint,
              "update secret_fingerprint set fingerprint = ?, recorded_at = now() where name = ?");
          for (long collaborationId : collaborations(connection)) {
            AuditLog.append(
                connection,
                collaborationId,
                AuditEntry.success(
                    "server",
                    "CONTRIBUTION_KEY_ROTATED",
                    List.of(),
                    "kept groups are picked under a new key from now on"));
          }
          LOG.warn("event=contribution_key_rotated");
          return null;
        });
  }

  /** HMAC-SHA256 of a fixed label under the key: shows a change, tells nothing of the key. */
  static String fingerprint(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(LABEL));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  private static Optional<String> recorded(Connection connection) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select fingerprint from secret_fingerprint where name = ? for update")) {
      statement.setString(1, NAME);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? Optional.of(row.getString(1)) : Optional.empty();
      }
    }
  }

  /** Runs {@code sql}, whose parameters are the fingerprint and then the name. */
  private static void write(Connection connection, String fingerprint, String sql)
      throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, fingerprint);
      statement.setString(2, NAME);
      statement.executeUpdate();
    }
  }

  private static List<Long> collaborations(Connection connection) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (PreparedStatement statement =
            connection.prepareStatement("select id from collaboration order by id");
        ResultSet row = statement.executeQuery()) {
      while (row.next()) {
        ids.add(row.getLong(1));
      }
    }
    return ids;
  }
}
