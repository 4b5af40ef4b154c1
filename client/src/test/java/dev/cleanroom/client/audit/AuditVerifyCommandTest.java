package dev.cleanroom.client.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cleanroom.client.ClientRun;
import dev.cleanroom.client.LocalServer;
import dev.cleanroom.client.LocalServer.Reply;
import dev.cleanroom.client.session.ServerApi;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code audit verify} and {@code audit list} over real HTTP, the events served in two pages. */
class AuditVerifyCommandTest {
  private static final String PAGE_1 = "GET /api/v1/collaborations/demo/audit?after=0&limit=1000";
  private static final String PAGE_2 = "GET /api/v1/collaborations/demo/audit?after=2&limit=1000";

  private LocalServer server;
  private Map<String, String> environment;

  @BeforeEach
  void start() throws IOException {
    server = new LocalServer();
    environment = Map.of("CLEANROOM_SERVER", server.url(), "CLEANROOM_API_KEY", "demo-privacy-key");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void intactChainOverTwoPages_isOkWithItsHead() {
    List<AuditEvent> chain = ChainVerifierTest.chain(5);
    serve(chain);

    ClientRun run = ClientRun.run(environment, "audit", "verify", "-c", "demo");

    assertEquals(0, run.status(), run::toString);
    assertEquals("OK: 5 events, head at position 5: " + chain.get(4).hash(), run.out().strip());
    assertEquals(2, server.received().size(), "both pages were read");
  }

  @Test
  void tamperedEvent_exits5AtItsPosition() {
    List<AuditEvent> chain = new java.util.ArrayList<>(ChainVerifierTest.chain(5));
    AuditEvent third = chain.get(2);
    chain.set(
        2,
        new AuditEvent(
            third.position(),
            third.time(),
            "privacy",
            third.action(),
            third.datasets(),
            third.detail(),
            third.epsilon(),
            third.outcome(),
            third.previousHash(),
            third.hash()));
    serve(chain);

    ClientRun run = ClientRun.run(environment, "audit", "verify", "-c", "demo");

    assertEquals(5, run.status(), run::toString);
    assertEquals(
        "BROKEN at position 3: the event was modified (2 events before it verify)",
        run.out().strip());
  }

  @Test
  void knownHeadThatIsNotAHash_isAUsageError() {
    ClientRun run =
        ClientRun.run(environment, "audit", "verify", "-c", "demo", "--known-head", "abc");

    assertEquals(2, run.status(), run::toString);
  }

  @Test
  void list_printsTheEvents() {
    serve(ChainVerifierTest.chain(5));
    server.on(
        "GET /api/v1/collaborations/demo/audit?after=0&limit=100",
        Reply.json(200, page(ChainVerifierTest.chain(2), null)));

    ClientRun run = ClientRun.run(environment, "audit", "list", "-c", "demo");

    assertEquals(0, run.status(), run::toString);
    String[] lines = run.out().split(System.lineSeparator());
    assertEquals(4, lines.length, run::toString);
    assertTrue(
        lines[3].matches(
            " +2  2026-12-04T09:00:02.123456Z  advertiser  QUERY +retailer\\.customers +0\\.5"
                + "  SUCCESS  rows=2"),
        run::toString);
  }

  private void serve(List<AuditEvent> chain) {
    server.on(PAGE_1, Reply.json(200, page(chain.subList(0, 2), 2L)));
    server.on(PAGE_2, Reply.json(200, page(chain.subList(2, chain.size()), null)));
  }

  /** A page as the server writes it. */
  private static String page(List<AuditEvent> events, Long next) {
    ObjectNode page = ServerApi.JSON.createObjectNode();
    page.put("collaborationId", 7);
    ArrayNode array = page.putArray("events");
    for (AuditEvent event : events) {
      ObjectNode node = array.addObject();
      node.put("position", event.position());
      node.put("time", event.time().toString());
      node.put("actor", event.actor());
      node.put("action", event.action());
      ArrayNode datasets = node.putArray("datasets");
      event.datasets().forEach(datasets::add);
      node.put("detail", event.detail());
      if (event.epsilon() == null) {
        node.putNull("epsilon");
      } else {
        node.put("epsilon", event.epsilon().setScale(12));
      }
      node.put("outcome", event.outcome());
      node.put("previousHash", event.previousHash());
      node.put("hash", event.hash());
    }
    if (next == null) {
      page.putNull("next");
    } else {
      page.put("next", next);
    }
    return page.toString();
  }
}
