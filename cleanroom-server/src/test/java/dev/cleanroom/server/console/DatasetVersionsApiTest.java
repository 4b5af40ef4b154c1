package dev.cleanroom.server.console;

import static org.hamcrest.Matchers.equalTo;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The data versions the console's provider view lists: row counts for the owner only. */
@QuarkusTest
class DatasetVersionsApiTest {
  @Test
  void owner_seesEachVersionWithItsRowCount_newestFirst() {
    Collaboration room = Api.newCollaboration();
    room.declare(
        "retailer",
        "stores",
        List.of(Map.of("name", "id", "type", "BIGINT"), Map.of("name", "city", "type", "VARCHAR")));
    room.as("retailer")
        .get(room.path() + "/datasets/stores/versions")
        .then()
        .statusCode(200)
        .body("size()", equalTo(0));

    room.upload(
        "retailer", "stores", "text/csv", "id,city\n1,a\n2,b\n".getBytes(StandardCharsets.UTF_8));
    room.upload(
        "retailer",
        "stores",
        "text/csv",
        "id,city\n1,a\n2,b\n3,c\n".getBytes(StandardCharsets.UTF_8));

    room.as("retailer")
        .get(room.path() + "/datasets/stores/versions")
        .then()
        .statusCode(200)
        .body("version", equalTo(List.of(2, 1)))
        .body("rowCount", equalTo(List.of(3, 2)))
        .body("reason", equalTo(List.of("UPLOAD", "UPLOAD")));
  }

  @Test
  void otherMembers_refused403_unknownDataset404() {
    Collaboration room = Api.newCollaboration();
    room.declare("retailer", "stores", List.of(Map.of("name", "id", "type", "BIGINT")));
    room.as("advertiser")
        .get(room.path() + "/datasets/stores/versions")
        .then()
        .statusCode(403)
        .body("detail", equalTo("only the owner of dataset 'stores' sees its versions"));
    room.as("privacy")
        .get(room.path() + "/datasets/stores/versions")
        .then()
        .statusCode(403)
        .body("detail", equalTo("member 'privacy' does not have the role PROVIDER"));
    room.as("retailer").get(room.path() + "/datasets/nothing/versions").then().statusCode(404);
  }
}
