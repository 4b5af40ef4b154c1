package dev.cleanroom.server.keys;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.PositiveOrZero;
import java.time.Instant;

/** Request and answer bodies of a member's API key endpoints. */
public final class KeyRequests {
  private KeyRequests() {}

  /**
   * {@code POST .../members/{m}/keys}; the body is optional.
   *
   * @param expiresAt when the key stops working; at most {@code cleanroom.api-key.max-lifetime}
   *     from now, which is also what an absent value means
   */
  public record IssueKey(Instant expiresAt) {}

  /**
   * {@code POST .../keys/{prefix}/rotate}; the body is optional.
   *
   * @param graceSeconds how long the old key keeps working; at most {@code
   *     cleanroom.api-key.max-grace}, {@code cleanroom.api-key.default-grace} when absent
   * @param expiresAt the new key's expiry, as for {@link IssueKey}
   */
  public record RotateKey(
      @PositiveOrZero @Max(Integer.MAX_VALUE) Long graceSeconds, Instant expiresAt) {}

  /** A new key, shown this once only; afterwards only its prefix names it. */
  public record IssuedKey(String prefix, String apiKey, Instant createdAt, Instant expiresAt) {}

  /**
   * The answer to a rotation: the new key, and the old one with the end of its grace period.
   *
   * @param previous the old key as listed after the rotation
   */
  public record RotatedKey(IssuedKey key, KeyView previous) {}

  /** Whether a key works now. */
  public enum KeyStatus {
    ACTIVE,
    EXPIRED,
    REVOKED
  }

  /**
   * A key as listed: its public prefix and lifecycle, never the key or its hash.
   *
   * @param expiresAt {@code null}: never expires (keys made before expiry existed)
   * @param replacedBy the prefix of the key that replaced it on a rotation
   */
  public record KeyView(
      String prefix,
      KeyStatus status,
      Instant createdAt,
      String createdBy,
      Instant expiresAt,
      Instant revokedAt,
      String revokedBy,
      String replacedBy) {}
}
