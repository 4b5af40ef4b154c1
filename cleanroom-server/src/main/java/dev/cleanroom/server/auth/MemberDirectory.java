package dev.cleanroom.server.auth;

import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Members and their API keys in the metadata store. */
@ApplicationScoped
public class MemberDirectory {
  private final Jdbc jdbc;

  @Inject
  public MemberDirectory(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * The member holding a key with this hash that is neither revoked nor expired at {@code now}. A
   * revoked or expired key is not told apart from a key that never existed.
   */
  public Optional<Caller> findByKeyHash(String keyHash, Instant now) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select m.id, m.name, c.id, c.name, m.roles from api_key k"
                      + " join member m on m.id = k.member_id"
                      + " join collaboration c on c.id = m.collaboration_id"
                      + " where k.key_hash = ? and k.revoked_at is null"
                      + " and (k.expires_at is null or k.expires_at > ?)")) {
            statement.setString(1, keyHash);
            statement.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            try (ResultSet row = statement.executeQuery()) {
              if (!row.next()) {
                return Optional.empty();
              }
              return Optional.of(
                  Caller.member(
                      row.getLong(1),
                      row.getString(2),
                      row.getLong(3),
                      row.getString(4),
                      parseRoles(row.getString(5))));
            }
          }
        });
  }

  /**
   * Stores the hash of {@code key} for the member, with its prefix, and returns the prefix.
   *
   * @param expiresAt when the key stops working, or {@code null} for never
   */
  public static String storeKey(
      Connection connection,
      long memberId,
      String key,
      String createdBy,
      Instant createdAt,
      Instant expiresAt)
      throws SQLException {
    String prefix = ApiKeys.prefixOf(key);
    try (PreparedStatement statement =
        connection.prepareStatement(
            "insert into api_key (key_hash, member_id, prefix, created_by, created_at, expires_at)"
                + " values (?, ?, ?, ?, ?, ?)")) {
      statement.setString(1, ApiKeys.hash(key));
      statement.setLong(2, memberId);
      statement.setString(3, prefix);
      statement.setString(4, createdBy);
      statement.setObject(5, OffsetDateTime.ofInstant(createdAt, ZoneOffset.UTC));
      statement.setObject(
          6, expiresAt == null ? null : OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC));
      statement.executeUpdate();
    }
    return prefix;
  }

  public static String formatRoles(Set<Role> roles) {
    return roles.stream().sorted().map(Role::name).collect(Collectors.joining(","));
  }

  public static Set<Role> parseRoles(String roles) {
    EnumSet<Role> parsed = EnumSet.noneOf(Role.class);
    Arrays.stream(roles.split(",")).map(Role::valueOf).forEach(parsed::add);
    return parsed;
  }
}
