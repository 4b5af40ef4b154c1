package dev.cleanroom.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChainVerifierTest {
  private static final long COLLABORATION = 7;

  @Test
  void intactChain_verifiesWithItsHead() {
    List<AuditEvent> chain = chain(5);

    ChainCheck check = verify(chain, null);

    assertTrue(check.valid());
    assertEquals(5, check.verifiedEvents());
    assertEquals(chain.get(4).hash(), check.headHash());
    assertNull(check.firstBrokenPosition());
  }

  @Test
  void modifiedEvent_isReportedAtItsPosition() {
    List<AuditEvent> chain = chain(5);
    AuditEvent third = chain.get(2);
    chain.set(2, withDetail(third, "rows=0", third.hash()));

    ChainCheck check = verify(chain, null);

    assertFalse(check.valid());
    assertEquals(3L, check.firstBrokenPosition());
    assertEquals(2, check.verifiedEvents());
    assertEquals("the event was modified", check.reason());
  }

  @Test
  void modifiedEventWithItsHashRecomputed_breaksTheLinkOfTheNext() {
    List<AuditEvent> chain = chain(5);
    AuditEvent third = chain.get(2);
    AuditEvent forged = withDetail(third, "rows=0", null);
    chain.set(2, forged);

    ChainCheck check = verify(chain, null);

    assertEquals(4L, check.firstBrokenPosition());
    assertEquals("the event does not follow the previous one", check.reason());
  }

  @Test
  void removedEvent_isReportedAsMissing() {
    List<AuditEvent> chain = chain(5);
    chain.remove(1);

    ChainCheck check = verify(chain, null);

    assertEquals(2L, check.firstBrokenPosition());
    assertTrue(check.reason().startsWith("event 2 is missing"), check.reason());
  }

  @Test
  void anotherCollaborationsNumber_failsTheFirstEvent() {
    List<AuditEvent> chain = chain(2);
    ChainVerifier verifier = new ChainVerifier(COLLABORATION + 1, null);
    chain.forEach(verifier::accept);

    assertEquals(1L, verifier.result().firstBrokenPosition());
  }

  @Test
  void truncatedChain_verifiesAloneButNotAgainstTheHeadRecordedBefore() {
    List<AuditEvent> chain = chain(5);
    String recordedHead = chain.get(4).hash();
    List<AuditEvent> truncated = chain.subList(0, 3);

    assertTrue(verify(truncated, null).valid());
    ChainCheck check = verify(truncated, recordedHead);
    assertFalse(check.valid());
    assertEquals(4L, check.firstBrokenPosition());
    assertTrue(verify(chain, chain.get(1).hash()).valid(), "an older head is still in the chain");
  }

  private static ChainCheck verify(List<AuditEvent> events, String knownHead) {
    ChainVerifier verifier = new ChainVerifier(COLLABORATION, knownHead);
    events.forEach(verifier::accept);
    return verifier.result();
  }

  /** A valid chain of {@code length} events, as the server writes one. */
  static List<AuditEvent> chain(int length) {
    List<AuditEvent> events = new ArrayList<>();
    String previous = AuditHash.GENESIS;
    Instant time = Instant.parse("2026-12-04T09:00:00.123456Z");
    for (int position = 1; position <= length; position++) {
      BigDecimal epsilon = position % 2 == 0 ? new BigDecimal("0.5") : null;
      List<String> datasets = position == 1 ? List.of() : List.of("retailer.customers");
      String hash =
          AuditHash.of(
              COLLABORATION,
              position,
              time.plusSeconds(position),
              "advertiser",
              "QUERY",
              datasets,
              "rows=" + position,
              epsilon,
              "SUCCESS",
              previous);
      events.add(
          new AuditEvent(
              position,
              time.plusSeconds(position),
              "advertiser",
              "QUERY",
              datasets,
              "rows=" + position,
              epsilon,
              "SUCCESS",
              previous,
              hash));
      previous = hash;
    }
    return events;
  }

  /** The event with another detail, keeping {@code hash}, or recomputing it when null. */
  private static AuditEvent withDetail(AuditEvent event, String detail, String hash) {
    AuditEvent changed =
        new AuditEvent(
            event.position(),
            event.time(),
            event.actor(),
            event.action(),
            event.datasets(),
            detail,
            event.epsilon(),
            event.outcome(),
            event.previousHash(),
            event.hash());
    String newHash = hash != null ? hash : changed.recomputedHash(COLLABORATION);
    return new AuditEvent(
        event.position(),
        event.time(),
        event.actor(),
        event.action(),
        event.datasets(),
        detail,
        event.epsilon(),
        event.outcome(),
        event.previousHash(),
        newHash);
  }
}
