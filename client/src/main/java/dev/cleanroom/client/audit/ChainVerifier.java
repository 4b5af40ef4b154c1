package dev.cleanroom.client.audit;

/**
 * Recomputes a collaboration's audit chain from its events, oldest first, as the server's own
 * verification does, but on the member's machine: positions consecutive from 1, each event naming
 * the previous one's hash, each hash equal to the one recomputed from the event's fields.
 */
final class ChainVerifier {
  private final long collaborationId;
  private long expectedPosition = 1;
  private String previousHash = AuditHash.GENESIS;
  private ChainCheck broken;
  private final String knownHead;
  private boolean knownHeadSeen;

  /**
   * @param knownHead a head hash recorded earlier, which the chain must still contain, or {@code
   *     null}
   */
  ChainVerifier(long collaborationId, String knownHead) {
    this.collaborationId = collaborationId;
    this.knownHead = knownHead;
  }

  /** Checks the next event; after the first break, further events are ignored. */
  void accept(AuditEvent event) {
    if (broken != null) {
      return;
    }
    long verified = expectedPosition - 1;
    if (event.position() != expectedPosition) {
      broken =
          ChainCheck.broken(
              verified,
              expectedPosition,
              "event "
                  + expectedPosition
                  + " is missing (a provider's key lists only the events of its own datasets"
                  + " and actions: verify with a privacy officer's key)",
              previousHash);
      return;
    }
    if (!event.previousHash().equals(previousHash)) {
      broken =
          ChainCheck.broken(
              verified,
              expectedPosition,
              "the event does not follow the previous one",
              previousHash);
      return;
    }
    if (!event.recomputedHash(collaborationId).equals(event.hash())) {
      broken =
          ChainCheck.broken(verified, expectedPosition, "the event was modified", previousHash);
      return;
    }
    if (event.hash().equals(knownHead)) {
      knownHeadSeen = true;
    }
    previousHash = event.hash();
    expectedPosition++;
  }

  ChainCheck result() {
    if (broken != null) {
      return broken;
    }
    long verified = expectedPosition - 1;
    if (knownHead != null && !knownHeadSeen) {
      return ChainCheck.broken(
          verified,
          verified + 1,
          "the chain no longer holds the known head: events were removed or history rewritten",
          previousHash);
    }
    return ChainCheck.valid(verified, previousHash);
  }
}
