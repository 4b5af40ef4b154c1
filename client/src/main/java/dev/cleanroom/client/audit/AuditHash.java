package dev.cleanroom.client.audit;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.List;

/**
 * The audit chain's hash, recomputed on the member's machine: SHA-256 over the event's fields, each
 * written as {@code <length>:<text>;}, the previous event's hash last. It must equal the server's
 * ({@code AuditLog.hash}); a server test checks both on the same events, so the two cannot drift
 * apart unnoticed.
 */
public final class AuditHash {
  /** The previous hash of a chain's first event. */
  public static final String GENESIS = "0".repeat(64);

  /** Epsilon is hashed with exactly this many decimals. */
  private static final int EPSILON_SCALE = 12;

  private AuditHash() {}

  /**
   * @param collaborationId the collaboration's internal number (the audit page's {@code
   *     collaborationId})
   * @param epsilon the epsilon charged, or {@code null}
   * @throws ArithmeticException if {@code epsilon} has more than 12 decimals (no server event has)
   */
  public static String of(
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
            epsilon == null
                ? "-"
                : epsilon.setScale(EPSILON_SCALE, RoundingMode.UNNECESSARY).toPlainString(),
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
