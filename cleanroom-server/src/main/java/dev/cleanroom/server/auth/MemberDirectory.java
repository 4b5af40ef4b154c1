package dev.cleanroom.server.auth;

import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

  /** The member holding an unrevoked key with this hash. */
  public Optional<Caller> findByKeyHash(String keyHash) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select m.id, m.name, c.id, c.name, m.roles from api_key k"
                      + " join member m on m.id = k.member_id"
                      + " join collaboration c on c.id = m.collaboration_id"
                      + " where k.key_hash = ? and k.revoked_at is null")) {
            statement.setString(1, keyHash);
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

  /** Stores the hash of {@code key} for the member. */
  public static void storeKey(Connection connection, long memberId, String key)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("insert into api_key (key_hash, member_id) values (?, ?)")) {
      statement.setString(1, ApiKeys.hash(key));
      statement.setLong(2, memberId);
      statement.executeUpdate();
    }
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
