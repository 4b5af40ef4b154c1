package dev.cleanroom.server.keys;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.server.audit.AuditEntry;
import dev.cleanroom.server.audit.AuditLog;
import dev.cleanroom.server.auth.ApiKeys;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.MemberDirectory;
import dev.cleanroom.server.keys.KeyRequests.IssuedKey;
import dev.cleanroom.server.keys.KeyRequests.KeyStatus;
import dev.cleanroom.server.keys.KeyRequests.KeyView;
import dev.cleanroom.server.keys.KeyRequests.RotatedKey;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The lifecycle of members' API keys: issue, list, rotate with a grace period, revoke. Every change
 * is recorded in the collaboration's audit log with the key's prefix, never the key.
 */
@ApplicationScoped
public class MemberKeys {
  /**
   * Active keys a member may hold at once: a leaked key cannot mint keys without end, and revoking
   * a member's keys (docs/OPERATIONS.md) stays a short list.
   */
  static final int MAX_ACTIVE_KEYS = 10;

  /** A key expiring sooner does not count as the other key that lets a member revoke one. */
  static final Duration LAST_KEY_MARGIN = Duration.ofDays(1);

  private static final Pattern PREFIX = Pattern.compile("(crk|sha)_[A-Za-z0-9_-]{8}");

  private final Jdbc jdbc;
  private final Clock clock;
  private final Duration maxLifetime;
  private final Duration maxGrace;
  private final Duration defaultGrace;

  @Inject
  public MemberKeys(
      Jdbc jdbc,
      Clock clock,
      @ConfigProperty(name = "cleanroom.api-key.max-lifetime") Duration maxLifetime,
      @ConfigProperty(name = "cleanroom.api-key.max-grace") Duration maxGrace,
      @ConfigProperty(name = "cleanroom.api-key.default-grace") Duration defaultGrace) {
    this.jdbc = requireNonNull(jdbc, "jdbc is null");
    this.clock = requireNonNull(clock, "clock is null");
    this.maxLifetime = positive("cleanroom.api-key.max-lifetime", maxLifetime);
    this.maxGrace = requireNonNull(maxGrace, "maxGrace is null");
    this.defaultGrace = requireNonNull(defaultGrace, "defaultGrace is null");
    if (maxGrace.isNegative()
        || defaultGrace.isNegative()
        || defaultGrace.compareTo(maxGrace) > 0) {
      throw new IllegalArgumentException(
          "cleanroom.api-key.default-grace must be between 0 and cleanroom.api-key.max-grace");
    }
  }

  /**
   * Whose keys a request acts on. Holds only identifiers; the member's name is what audit events
   * and messages quote.
   */
  public record KeyOwner(long collaborationId, long memberId, String member, String actor) {
    public KeyOwner {
      requireNonNull(member, "member is null");
      requireNonNull(actor, "actor is null");
    }
  }

  /**
   * The member whose keys {@code caller} may manage: the operator any member's, a member only its
   * own. Refused before anything is looked up, so a member learns nothing of another's keys.
   */
  public KeyOwner owner(Caller caller, String collaboration, String member) {
    if (!caller.operator()) {
      caller.requireMemberOf(collaboration);
      if (!caller.member().equals(member)) {
        throw ServerException.forbidden(
            "member '" + caller.member() + "' may manage only its own API keys");
      }
      return new KeyOwner(
          caller.collaborationId(), caller.memberId(), caller.member(), caller.member());
    }
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select c.id, m.id, m.name from collaboration c"
                      + " left join member m on m.collaboration_id = c.id and m.name = ?"
                      + " where c.name = ?")) {
            statement.setString(1, member);
            statement.setString(2, collaboration);
            try (ResultSet row = statement.executeQuery()) {
              if (!row.next()) {
                throw ServerException.notFound("collaboration '" + collaboration + "'");
              }
              if (row.getString(3) == null) {
                throw ServerException.notFound(
                    "member '" + member + "' of collaboration '" + collaboration + "'");
              }
              return new KeyOwner(row.getLong(1), row.getLong(2), row.getString(3), "operator");
            }
          }
        });
  }

  /** When a key issued now without an expiry of its own stops working. */
  public Instant defaultExpiry(Instant now) {
    return now.plus(maxLifetime);
  }

  public Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.MICROS);
  }

  /** Issues a new key to the owner; {@code expiresAt} {@code null} takes the maximum lifetime. */
  public IssuedKey issue(KeyOwner owner, Instant expiresAt) {
    Instant now = now();
    Instant expiry = expiry(now, expiresAt);
    return jdbc.inTransaction(
        connection -> {
          lockMember(connection, owner);
          if (otherActiveKeys(connection, owner, "", now) >= MAX_ACTIVE_KEYS) {
            throw new ServerException(
                ServerErrorCode.CONFLICT,
                "member '"
                    + owner.member()
                    + "' has "
                    + MAX_ACTIVE_KEYS
                    + " active keys, the most it may hold: revoke one first");
          }
          IssuedKey issued = storeNewKey(connection, owner, now, expiry);
          AuditLog.append(
              connection,
              owner.collaborationId(),
              AuditEntry.success(
                  owner.actor(),
                  "API_KEY_ISSUED",
                  List.of(),
                  "member="
                      + owner.member()
                      + " prefix="
                      + issued.prefix()
                      + " expiresAt="
                      + expiry));
          return issued;
        });
  }

  /** Every key of the owner, newest first. */
  public List<KeyView> list(KeyOwner owner) {
    Instant now = now();
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select prefix, created_at, created_by, expires_at, revoked_at, revoked_by,"
                      + " replaced_by from api_key where member_id = ?"
                      + " order by created_at desc, prefix")) {
            statement.setLong(1, owner.memberId());
            List<KeyView> keys = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                keys.add(view(row, now));
              }
            }
            return keys;
          }
        });
  }

  /**
   * Issues a new key and lets the old one work until now plus the grace period (never longer than
   * it would have anyway).
   */
  public RotatedKey rotate(KeyOwner owner, String prefix, Long graceSeconds, Instant expiresAt) {
    requirePrefix(prefix);
    Duration grace = graceSeconds == null ? defaultGrace : Duration.ofSeconds(graceSeconds);
    if (grace.compareTo(maxGrace) > 0) {
      throw new ServerException(
          ServerErrorCode.INVALID_INPUT,
          "'graceSeconds' must be at most "
              + maxGrace.toSeconds()
              + " (cleanroom.api-key.max-grace)");
    }
    Instant now = now();
    Instant expiry = expiry(now, expiresAt);
    return jdbc.inTransaction(
        connection -> {
          lockMember(connection, owner);
          KeyView old = find(connection, owner, prefix, now);
          if (old.status() != KeyStatus.ACTIVE) {
            throw new ServerException(
                ServerErrorCode.CONFLICT,
                "key '"
                    + prefix
                    + "' is "
                    + old.status().name().toLowerCase(Locale.ROOT)
                    + ", not active");
          }
          if (old.replacedBy() != null) {
            throw new ServerException(
                ServerErrorCode.CONFLICT,
                "key '" + prefix + "' was rotated already, to '" + old.replacedBy() + "'");
          }
          IssuedKey issued = storeNewKey(connection, owner, now, expiry);
          Instant graceEnd = now.plus(grace);
          if (old.expiresAt() != null && old.expiresAt().isBefore(graceEnd)) {
            graceEnd = old.expiresAt();
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update api_key set expires_at = ?, replaced_by = ?"
                      + " where member_id = ? and prefix = ?")) {
            statement.setObject(1, OffsetDateTime.ofInstant(graceEnd, ZoneOffset.UTC));
            statement.setString(2, issued.prefix());
            statement.setLong(3, owner.memberId());
            statement.setString(4, prefix);
            statement.executeUpdate();
          }
          AuditLog.append(
              connection,
              owner.collaborationId(),
              AuditEntry.success(
                  owner.actor(),
                  "API_KEY_ROTATED",
                  List.of(),
                  "member="
                      + owner.member()
                      + " prefix="
                      + issued.prefix()
                      + " expiresAt="
                      + expiry
                      + " previous="
                      + prefix
                      + " previousExpiresAt="
                      + graceEnd));
          return new RotatedKey(issued, find(connection, owner, prefix, now));
        });
  }

  /**
   * Revokes a key at once. A member may not revoke its last active key, which would lock it out; a
   * key expiring within {@link #LAST_KEY_MARGIN} does not count as another. The operator may, and
   * can always issue a new one.
   */
  public KeyView revoke(KeyOwner owner, String prefix, boolean byOperator) {
    requirePrefix(prefix);
    Instant now = now();
    return jdbc.inTransaction(
        connection -> {
          lockMember(connection, owner);
          KeyView key = find(connection, owner, prefix, now);
          if (key.status() == KeyStatus.REVOKED) {
            throw new ServerException(
                ServerErrorCode.CONFLICT, "key '" + prefix + "' is revoked already");
          }
          boolean lastActive =
              key.status() == KeyStatus.ACTIVE
                  && key.replacedBy() == null
                  && otherActiveKeys(connection, owner, prefix, now.plus(LAST_KEY_MARGIN)) == 0;
          if (lastActive && !byOperator) {
            throw new ServerException(
                ServerErrorCode.CONFLICT,
                "key '"
                    + prefix
                    + "' is the last active key of member '"
                    + owner.member()
                    + "': issue another first, or ask the operator to revoke it");
          }
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "update api_key set revoked_at = ?, revoked_by = ?"
                      + " where member_id = ? and prefix = ?")) {
            statement.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            statement.setString(2, owner.actor());
            statement.setLong(3, owner.memberId());
            statement.setString(4, prefix);
            statement.executeUpdate();
          }
          AuditLog.append(
              connection,
              owner.collaborationId(),
              AuditEntry.success(
                  owner.actor(),
                  "API_KEY_REVOKED",
                  List.of(),
                  "member=" + owner.member() + " prefix=" + prefix));
          return find(connection, owner, prefix, now);
        });
  }

  private Instant expiry(Instant now, Instant requested) {
    Instant latest = defaultExpiry(now);
    if (requested == null) {
      return latest;
    }
    if (!requested.isAfter(now)) {
      throw new ServerException(ServerErrorCode.INVALID_INPUT, "'expiresAt' must be in the future");
    }
    if (requested.isAfter(latest)) {
      throw new ServerException(
          ServerErrorCode.INVALID_INPUT,
          "'expiresAt' must be at most "
              + maxLifetime.toSeconds()
              + " seconds from now (cleanroom.api-key.max-lifetime)");
    }
    return requested.truncatedTo(ChronoUnit.MICROS);
  }

  private static IssuedKey storeNewKey(
      Connection connection, KeyOwner owner, Instant now, Instant expiry) throws SQLException {
    // A prefix names a key among its member's: draw again on the (2^-48) chance of a repeat.
    while (true) {
      String key = ApiKeys.newKey();
      if (!prefixExists(connection, owner, ApiKeys.prefixOf(key))) {
        String prefix =
            MemberDirectory.storeKey(connection, owner.memberId(), key, owner.actor(), now, expiry);
        return new IssuedKey(prefix, key, now, expiry);
      }
    }
  }

  private static void requirePrefix(String prefix) {
    if (prefix == null || !PREFIX.matcher(prefix).matches()) {
      // Not echoed: it is not one of ours.
      throw ServerException.malformed(
          "the key prefix must be 'crk_' or 'sha_' and 8 characters, as the key list shows it");
    }
  }

  /** Serialises key changes of one member, so the last-key rule holds under concurrent calls. */
  private static void lockMember(Connection connection, KeyOwner owner) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("select id from member where id = ? for update")) {
      statement.setLong(1, owner.memberId());
      statement.executeQuery().close();
    }
  }

  private static boolean prefixExists(Connection connection, KeyOwner owner, String prefix)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement("select 1 from api_key where member_id = ? and prefix = ?")) {
      statement.setLong(1, owner.memberId());
      statement.setString(2, prefix);
      try (ResultSet row = statement.executeQuery()) {
        return row.next();
      }
    }
  }

  /** The member's keys other than {@code prefix} not revoked, replaced or expired at {@code at}. */
  private static int otherActiveKeys(
      Connection connection, KeyOwner owner, String prefix, Instant at) throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select count(*) from api_key where member_id = ? and prefix <> ?"
                + " and revoked_at is null and replaced_by is null"
                + " and (expires_at is null or expires_at > ?)")) {
      statement.setLong(1, owner.memberId());
      statement.setString(2, prefix);
      statement.setObject(3, OffsetDateTime.ofInstant(at, ZoneOffset.UTC));
      try (ResultSet row = statement.executeQuery()) {
        row.next();
        return row.getInt(1);
      }
    }
  }

  private static KeyView find(Connection connection, KeyOwner owner, String prefix, Instant now)
      throws SQLException {
    try (PreparedStatement statement =
        connection.prepareStatement(
            "select prefix, created_at, created_by, expires_at, revoked_at, revoked_by,"
                + " replaced_by from api_key where member_id = ? and prefix = ?")) {
      statement.setLong(1, owner.memberId());
      statement.setString(2, prefix);
      try (ResultSet row = statement.executeQuery()) {
        if (!row.next()) {
          throw ServerException.notFound("key '" + prefix + "' of member '" + owner.member() + "'");
        }
        return view(row, now);
      }
    }
  }

  private static KeyView view(ResultSet row, Instant now) throws SQLException {
    Instant expiresAt = instant(row, 4);
    Instant revokedAt = instant(row, 5);
    KeyStatus status =
        revokedAt != null
            ? KeyStatus.REVOKED
            : expiresAt != null && !expiresAt.isAfter(now) ? KeyStatus.EXPIRED : KeyStatus.ACTIVE;
    return new KeyView(
        row.getString(1),
        status,
        instant(row, 2),
        row.getString(3),
        expiresAt,
        revokedAt,
        row.getString(6),
        row.getString(7));
  }

  private static Instant instant(ResultSet row, int column) throws SQLException {
    OffsetDateTime time = row.getObject(column, OffsetDateTime.class);
    return time == null ? null : time.toInstant();
  }

  private static Duration positive(String name, Duration duration) {
    if (duration == null || duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be a positive duration");
    }
    return duration;
  }
}
