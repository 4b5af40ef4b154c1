package dev.cleanroom.server.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.client.audit.AuditHash;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command-line client recomputes the audit chain on a member's machine with its own copy of the
 * hash ({@code audit verify}); both must give the same hash for the same event, or a valid chain
 * would look broken (or the other way round).
 */
class AuditHashAgreementTest {
  @Test
  void clientAndServer_hashEveryKindOfEventAlike() {
    Instant time = Instant.parse("2026-12-04T09:15:30.123456Z");
    List<Object[]> events =
        List.of(
            new Object[] {
              1L, time, "operator", "COLLABORATION_CREATED", List.of(), "members=4", null, "SUCCESS"
            },
            new Object[] {
              2L,
              time.plusNanos(1_000),
              "advertiser",
              "QUERY",
              List.of("advertiser.impressions", "retailer.customers"),
              "rows=3 suppressed=1",
              new BigDecimal("0.5"),
              "SUCCESS"
            },
            new Object[] {
              3L,
              Instant.EPOCH.minusSeconds(1),
              "analyst-ü",
              "QUERY",
              List.of("retailer.customers"),
              "code=POLICY_VIOLATION; naïve",
              new BigDecimal("0.000000123000"),
              "REJECTED"
            },
            new Object[] {
              4L, time, "privacy", "POLICY_APPROVED", List.of(""), "", BigDecimal.TEN, "SUCCESS"
            });
    String previous = AuditLog.GENESIS;
    assertEquals(AuditLog.GENESIS, AuditHash.GENESIS);
    for (Object[] event : events) {
      @SuppressWarnings("unchecked")
      List<String> datasets = (List<String>) event[4];
      String server =
          AuditLog.hash(
              42,
              (long) event[0],
              (Instant) event[1],
              (String) event[2],
              (String) event[3],
              datasets,
              (String) event[5],
              (BigDecimal) event[6],
              (String) event[7],
              previous);
      String client =
          AuditHash.of(
              42,
              (long) event[0],
              (Instant) event[1],
              (String) event[2],
              (String) event[3],
              datasets,
              (String) event[5],
              (BigDecimal) event[6],
              (String) event[7],
              previous);
      assertEquals(server, client, "event " + event[0]);
      previous = server;
    }
  }
}
