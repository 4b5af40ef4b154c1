package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.query.LoadedVersions.Key;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

/**
 * With {@code cleanroom.query.warm-on-upload} (the default outside the tests), an uploaded version
 * is loaded before any query asks: the first query after an upload reads a version already loaded,
 * as every later one does. Without a policy in force nothing is loaded (no query could read it).
 */
@QuarkusTest
@TestProfile(VersionWarmUpApiTest.WarmOnUpload.class)
class VersionWarmUpApiTest {
  /** The test profile with the warm-up on. */
  public static class WarmOnUpload implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "cleanroom.query.warm-on-upload", "true", "cleanroom.query.warm-up-engine", "true");
    }
  }

  @Inject LoadedVersions versions;
  @Inject VersionWarmUp warmUp;
  @Inject Collaborations collaborations;
  @Inject DatasetCatalog datasets;
  @Inject MeterRegistry metrics;
  @Inject DatasetStore store;
  @Inject EngineWarmUp engineWarmUp;

  /**
   * The engine's warm-up at the start asks every question over its synthetic tables, each accepted
   * and answered (one refused would end it early), and spends nothing of any collaboration's.
   */
  @Test
  void engineWarmUp_answersEveryQuestionOfItsSyntheticTables() {
    assertTrue(warmUp.awaitIdle() && warmUp.awaitIdle());
    double committed = epsilonCommitted();
    assertEquals(EngineWarmUp.ROUNDS * EngineWarmUp.QUESTIONS.size(), engineWarmUp.run());
    assertEquals(committed, epsilonCommitted(), "no budget moved");
  }

  @Test
  void upload_isLoadedBeforeTheFirstQueryAndOnlyUnderAPolicy() throws Exception {
    // The start's warm-up (of the versions earlier tests left) queues its end behind its loads.
    assertTrue(warmUp.awaitIdle() && warmUp.awaitIdle());
    assertEquals(
        HealthCheckResponse.Status.UP,
        new WarmUpReadiness(warmUp).call().getStatus(),
        "ready once the versions current at the start are warmed");
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    String csv = TestData.customersCsv(TestData.generator(room.name()).customers(2_000));
    upload(room, csv);
    assertTrue(warmUp.awaitIdle());
    String storageId = datasets.require(collaborations.idOf(room.name()), "customers").storageId();
    assertFalse(
        versions.keptVersions().contains(new Key(storageId, 1)),
        "without a policy in force no query can read the version");

    room.approvePolicy("customers", TestData.demoPolicyWithoutJoins("retailer.customers"), 1);
    upload(room, csv);
    assertTrue(warmUp.awaitIdle());
    assertEquals(
        java.util.List.of(new Key(storageId, 2)),
        versions.keptVersions().stream().filter(k -> k.storageId().equals(storageId)).toList(),
        "the new version is loaded, the old one is not");
    // Its string encodings are kept with it in the store, for its loads after a restart.
    awaitKeptEncodings(storageId, 2);
    assertFalse(keptEncodings(storageId, 1), "the first version was never loaded");

    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "sql",
                "SELECT loyalty_tier, COUNT(*) AS customers FROM retailer.customers"
                    + " GROUP BY loyalty_tier"))
        .post(room.path() + "/queries")
        .then()
        .statusCode(200)
        .body("dataVersions.'retailer.customers'", equalTo(2));
  }

  /**
   * A version is prepared for the joins both policies allow with a table whose current version is
   * kept loaded: the impressions' upload with the customers', the customers' next upload with the
   * impressions'. The first join query then runs on them.
   */
  @Test
  void uploadsOfJoinableTables_arePreparedForTheirJoinBeforeTheFirstQuery() {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    room.declareImpressionsAs("advertiser");
    room.approvePolicy("customers", TestData.demoPolicy("retailer.customers"), 1);
    room.approvePolicy("impressions", TestData.demoPolicy("advertiser.impressions"), 1);
    DemoDataGenerator generator = TestData.generator(room.name());
    DemoDataGenerator.Customers customers = generator.customers(2_000);
    String csv = TestData.customersCsv(customers);
    assertTrue(warmUp.awaitIdle(), "the start's warm-up of earlier tests' versions is done");
    double before = joinsPrepared();

    upload(room, csv);
    assertTrue(warmUp.awaitIdle());
    assertEquals(before, joinsPrepared(), "no impressions yet to join with");

    room.upload(
        "advertiser",
        "impressions",
        "application/vnd.apache.arrow.stream",
        TestData.impressionsArrow(generator.impressions(customers, 10_000)));
    assertTrue(warmUp.awaitIdle());
    assertEquals(before + 1, joinsPrepared(), "the impressions with the kept customers");

    upload(room, csv);
    assertTrue(warmUp.awaitIdle());
    assertEquals(before + 2, joinsPrepared(), "the customers' new version with the impressions");

    QueryStoryTest.ask(room, QueryStoryTest.REACH)
        .statusCode(200)
        .body("dataVersions.'retailer.customers'", equalTo(2))
        .body("dataVersions.'advertiser.impressions'", equalTo(1));
  }

  private void awaitKeptEncodings(String storageId, long version) throws Exception {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (!keptEncodings(storageId, version)) {
      assertTrue(System.nanoTime() < deadline, "no encodings kept for version " + version);
      Thread.sleep(50);
    }
  }

  private boolean keptEncodings(String storageId, long version) throws IOException {
    Optional<InputStream> kept = store.openEncodings(storageId, version);
    if (kept.isEmpty()) {
      return false;
    }
    kept.get().close();
    return true;
  }

  /** Epsilon committed by every query of the process so far, over all collaborations. */
  private double epsilonCommitted() {
    return metrics.find("cleanroom.epsilon.spent").counters().stream()
        .mapToDouble(io.micrometer.core.instrument.Counter::count)
        .sum();
  }

  private double joinsPrepared() {
    return metrics.get("cleanroom.loaded.versions.joins-prepared").counter().count();
  }

  private static void upload(Collaboration room, String csv) {
    room.as("retailer")
        .contentType("text/csv")
        .body(csv)
        .put(room.path() + "/datasets/customers/data")
        .then()
        .statusCode(200);
  }
}
