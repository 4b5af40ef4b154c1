package dev.cleanroom.client.audit;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of recomputing a chain on the client.
 *
 * @param verifiedEvents how many events, from the first, were found intact
 * @param firstBrokenPosition where the chain breaks, or {@code null} when it verifies
 * @param reason why it breaks, or {@code null}
 * @param headHash the newest event's hash ({@link AuditHash#GENESIS} for an empty chain)
 */
record ChainCheck(long verifiedEvents, Long firstBrokenPosition, String reason, String headHash) {
  ChainCheck {
    requireNonNull(headHash, "headHash is null");
  }

  boolean valid() {
    return firstBrokenPosition == null;
  }

  static ChainCheck valid(long events, String headHash) {
    return new ChainCheck(events, null, null, headHash);
  }

  static ChainCheck broken(long verified, long position, String reason, String lastGoodHash) {
    return new ChainCheck(verified, position, reason, lastGoodHash);
  }
}
