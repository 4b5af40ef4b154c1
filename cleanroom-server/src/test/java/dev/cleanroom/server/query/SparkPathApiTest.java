package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.ParquetTableData;
import dev.cleanroom.engine.TableData;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.store.Jdbc;
import dev.cleanroom.spi.TableName;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The Spark path of the query flow over real HTTP, with a Spark that refuses every plan's shape:
 * the engine is given each version's encrypted Parquet location (nothing decrypted for it), the
 * query then runs in the process, and the answer names the engine that computed it; a version
 * without its Parquet form is a load failure, refunded.
 */
@QuarkusTest
@TestProfile(SparkPathApiTest.RefusingSparkProfile.class)
class SparkPathApiTest {
  /** Every query goes to a Spark that refuses its shape; versions get their Parquet form. */
  public static class RefusingSparkProfile implements QuarkusTestProfile {
    @Override
    public Set<Class<?>> getEnabledAlternatives() {
      return Set.of(RefusingSpark.class);
    }

    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("cleanroom.query.engine", "spark", "cleanroom.storage.parquet.enabled", "true");
    }
  }

  @Inject Jdbc jdbc;
  @Inject Collaborations collaborations;
  @Inject DatasetCatalog datasets;

  @ConfigProperty(name = "cleanroom.data-dir")
  String dataDir;

  @Test
  void sparkGetsParquetLocations_refusesTheShape_theProcessAnswers() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    RefusingSpark.GIVEN.clear();

    QueryStoryTest.ask(room, QueryStoryTest.REACH)
        .statusCode(200)
        .body("privacy.engine", equalTo("vectorized"));

    assertEquals(1, RefusingSpark.GIVEN.size());
    Map<TableName, ? extends TableData> given = RefusingSpark.GIVEN.get(0);
    assertEquals(
        Set.of(new TableName("advertiser", "impressions"), new TableName("retailer", "customers")),
        given.keySet());
    long collaborationId = collaborations.idOf(room.name());
    for (Map.Entry<TableName, ? extends TableData> table : given.entrySet()) {
      ParquetTableData parquet = (ParquetTableData) table.getValue();
      String storageId = datasets.require(collaborationId, table.getKey().dataset()).storageId();
      Path location = Path.of(URI.create(parquet.location()));
      assertEquals(
          Path.of(dataDir, "parquet", storageId, "v1").toAbsolutePath().normalize(),
          location.normalize());
      assertTrue(Files.isRegularFile(location.resolve("part-00000.parquet")), location.toString());
      assertFalse(parquet.schema().getFields().isEmpty());
    }
    List<Map<String, Object>> answered = room.auditEvents("QUERY_ANSWERED");
    assertTrue(answered.get(0).get("detail").toString().contains(" engine=vectorized "));
  }

  @Test
  void versionWithoutItsParquetForm_isALoadFailure_refunded() throws IOException {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    String storageId = datasets.require(collaborations.idOf(room.name()), "customers").storageId();
    deleteTree(Path.of(dataDir, "parquet", storageId, "v1"));
    RefusingSpark.GIVEN.clear();

    QueryStoryTest.ask(room, QueryStoryTest.REACH)
        .statusCode(503)
        .contentType("application/problem+json")
        .body("code", equalTo("ENGINE_UNAVAILABLE"))
        .body(
            "detail",
            equalTo(
                "table 'retailer.customers' has no Parquet form for the Spark engine yet; nothing"
                    + " was charged"));

    assertEquals(List.of(), RefusingSpark.GIVEN);
    assertEquals(
        List.of("advertiser.impressions REFUNDED 0.5", "retailer.customers REFUNDED 0.5"),
        QueryFailureAfterExecutionTest.reservations(jdbc, room.name()));
    QueryStoryTest.budgetOfCustomers(room, "0");
    List<Map<String, Object>> failed = room.auditEvents("QUERY_FAILED");
    assertEquals(1, failed.size(), failed.toString());
    assertEquals(0.0, ((Number) failed.get(0).get("epsilon")).doubleValue(), failed.toString());
  }

  private static void deleteTree(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
