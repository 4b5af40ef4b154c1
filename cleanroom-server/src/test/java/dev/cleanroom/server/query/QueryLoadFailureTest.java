package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * A query whose load phase fails (here: a stored version was tampered with, so it does not decrypt)
 * never computed anything from the data: its epsilon is refunded on every dataset it reserved on,
 * and it is audited once as failed.
 */
@QuarkusTest
class QueryLoadFailureTest {
  @Inject Jdbc jdbc;
  @Inject Collaborations collaborations;
  @Inject DatasetCatalog datasets;

  @ConfigProperty(name = "cleanroom.data-dir")
  String dataDir;

  @Test
  void versionThatDoesNotDecrypt_refundsTheReservation_andWritesOneFailedEvent()
      throws IOException {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    tamperWith(room, "customers");

    QueryStoryTest.askFails(room, "INTEGRITY_FAILURE", "the dataset store failed");

    assertEquals(
        List.of("advertiser.impressions REFUNDED 0.5", "retailer.customers REFUNDED 0.5"),
        QueryFailureAfterExecutionTest.reservations(jdbc, room.name()));
    room.as("advertiser")
        .get(room.path() + "/budget")
        .then()
        .statusCode(200)
        .body("datasets.spent.collect { it.toString() }", equalTo(List.of("0", "0")));
    assertEquals(List.of(), room.auditEvents("QUERY_ANSWERED"));
    List<Map<String, Object>> failed = room.auditEvents("QUERY_FAILED");
    assertEquals(1, failed.size(), failed.toString());
    // The audit records what was spent: nothing, once refunded.
    assertEquals(0.0, ((Number) failed.get(0).get("epsilon")).doubleValue(), failed.toString());
    room.as("privacy").get(room.path() + "/audit/verify").then().body("valid", equalTo(true));
  }

  /** Flips bytes in the middle of the dataset's stored version, so its tag no longer matches. */
  private void tamperWith(Collaboration room, String dataset) throws IOException {
    String storageId = datasets.require(collaborations.idOf(room.name()), dataset).storageId();
    Path file = Path.of(dataDir, "datasets", storageId, "v0000000001.arrows.enc");
    byte[] bytes = Files.readAllBytes(file);
    for (int i = bytes.length / 2; i < bytes.length / 2 + 64; i++) {
      bytes[i] ^= (byte) 0xFF;
    }
    Files.write(file, bytes);
  }
}
