package dev.cleanroom.server.audit;

/**
 * The result of recomputing an audit chain.
 *
 * @param verifiedEvents how many events, from the first, were found intact
 * @param firstBrokenPosition the position where the chain breaks, or {@code null} when valid
 * @param reason why it breaks, or {@code null}
 * @param headHash the hash of the newest event when valid
 */
public record AuditVerification(
    boolean valid, long verifiedEvents, Long firstBrokenPosition, String reason, String headHash) {

  static AuditVerification valid(long events, String headHash) {
    return new AuditVerification(true, events, null, null, headHash);
  }

  static AuditVerification broken(long verified, long position, String reason) {
    return new AuditVerification(false, verified, position, reason, null);
  }
}
