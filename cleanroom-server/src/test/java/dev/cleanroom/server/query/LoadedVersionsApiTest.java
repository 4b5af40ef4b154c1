package dev.cleanroom.server.query;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.query.LoadedVersions.Key;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Queries answered from the kept dataset versions never see an older version: not after an upload,
 * not after an erasure. The policy's epsilon is so large that the released count is exact.
 */
@QuarkusTest
class LoadedVersionsApiTest {
  private static final String REACH =
      "SELECT COUNT(DISTINCT customer_id) AS reach FROM retailer.customers";

  @Inject LoadedVersions versions;
  @Inject Collaborations collaborations;
  @Inject DatasetCatalog datasets;

  @Test
  void newUpload_answersFromTheNewVersion() {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    DemoDataGenerator generator = TestData.generator(room.name());
    DemoDataGenerator.Customers first = generator.customers(3_000);
    upload(room, first);
    approveExactPolicy(room);
    reach(room, 1).body("rows[0][0]", equalTo(consenting(first)));
    String storageId = customersStorageId(room);
    assertTrue(versions.keptVersions().contains(new Key(storageId, 1)));

    DemoDataGenerator.Customers second = generator.customers(1_000);
    upload(room, second);
    assertFalse(versions.keptVersions().contains(new Key(storageId, 1)));
    reach(room, 2).body("rows[0][0]", equalTo(consenting(second)));
    assertTrue(versions.keptVersions().contains(new Key(storageId, 2)));
  }

  @Test
  void erasure_theErasedUnitIsNoLongerCounted() {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    DemoDataGenerator.Customers customers = TestData.generator(room.name()).customers(3_000);
    upload(room, customers);
    approveExactPolicy(room);
    reach(room, 1).body("rows[0][0]", equalTo(consenting(customers)));
    String storageId = customersStorageId(room);
    assertTrue(versions.keptVersions().contains(new Key(storageId, 1)));

    int consenting = 0;
    while (customers.optedOut()[consenting]) {
      consenting++;
    }
    room.as("retailer")
        .delete(room.path() + "/datasets/customers/units/" + customers.customerId()[consenting])
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("rowsRemoved", equalTo(1));
    // Evicted by the erasure itself, not only by the next query.
    assertFalse(versions.keptVersions().contains(new Key(storageId, 1)));
    reach(room, 2).body("rows[0][0]", equalTo(consenting(customers) - 1));
  }

  private static io.restassured.response.ValidatableResponse reach(
      Collaboration room, int dataVersion) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", REACH))
        .post(room.path() + "/queries")
        .then()
        .statusCode(200)
        .body("privacy.cached", equalTo(false))
        .body("dataVersions.'retailer.customers'", equalTo(dataVersion));
  }

  private String customersStorageId(Collaboration room) {
    return datasets.require(collaborations.idOf(room.name()), "customers").storageId();
  }

  private static int consenting(DemoDataGenerator.Customers customers) {
    int count = 0;
    for (boolean optedOut : customers.optedOut()) {
      if (!optedOut) {
        count++;
      }
    }
    return count;
  }

  private static void upload(Collaboration room, DemoDataGenerator.Customers customers) {
    room.as("retailer")
        .contentType("text/csv")
        .body(TestData.customersCsv(customers))
        .put(room.path() + "/datasets/customers/data")
        .then()
        .statusCode(200);
  }

  /** The demo policy with an epsilon so large that the noise is zero (for this test only). */
  private static void approveExactPolicy(Collaboration room) {
    String policy =
        TestData.demoPolicyWithoutJoins("retailer.customers")
            .replace("\"epsilonPerQuery\": 0.5,", "\"epsilonPerQuery\": 1000,")
            .replace("\"budget\": 10,", "\"budget\": 100000,")
            .replace("\"maxGroupsContributed\": 4,", "\"maxGroupsContributed\": 1,");
    room.approvePolicy("customers", policy, 1);
  }
}
