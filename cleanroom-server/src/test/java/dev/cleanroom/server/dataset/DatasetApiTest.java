package dev.cleanroom.server.dataset;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.cleanroom.examples.demo.DemoDataGenerator;
import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

@QuarkusTest
class DatasetApiTest {

  @Test
  void providerDeclares_datasetListedWithoutVersions() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    collaboration
        .as("privacy")
        .get(collaboration.path())
        .then()
        .body("datasets[0].table", equalTo("retailer.customers"))
        .body("datasets[0].columns[6].type", equalTo("DOUBLE"))
        .body("datasets[0].currentVersion", nullValue())
        .body("datasets[0].currentPolicyVersion", nullValue());
  }

  @Test
  void nonProviderDeclares_forbidden() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration
        .as("privacy")
        .contentType(ContentType.JSON)
        .body(Map.of("name", "x", "columns", List.of(Map.of("name", "a", "type", "BIGINT"))))
        .post(collaboration.path() + "/datasets")
        .then()
        .statusCode(403);
  }

  @Test
  void unsupportedColumnType_badRequest() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration
        .as("retailer")
        .contentType(ContentType.JSON)
        .body(Map.of("name", "x", "columns", List.of(Map.of("name", "a", "type", "BLOB"))))
        .post(collaboration.path() + "/datasets")
        .then()
        .statusCode(400)
        .body("detail", containsString("'a'"));
  }

  @Test
  void duplicateColumn_badRequest() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration
        .as("retailer")
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "name",
                "x",
                "columns",
                List.of(
                    Map.of("name", "a", "type", "BIGINT"), Map.of("name", "a", "type", "DATE"))))
        .post(collaboration.path() + "/datasets")
        .then()
        .statusCode(400)
        .body("detail", containsString("declared twice"));
  }

  @Test
  void declaringTwice_conflict() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    collaboration
        .as("retailer")
        .contentType(ContentType.JSON)
        .body(
            Map.of("name", "customers", "columns", List.of(Map.of("name", "a", "type", "BIGINT"))))
        .post(collaboration.path() + "/datasets")
        .then()
        .statusCode(409);
  }

  @Test
  void ownerUploadsCsv_newVersionEachTime() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    String csv = customersCsv(collaboration, 200);
    upload(collaboration, "retailer", csv, "text/csv").statusCode(200).body("version", equalTo(1));
    upload(collaboration, "retailer", csv, "text/csv").statusCode(200).body("version", equalTo(2));
    collaboration
        .as("privacy")
        .get(collaboration.path())
        .then()
        .body("datasets[0].currentVersion", equalTo(2));
  }

  @Test
  void otherProviderUploads_forbidden() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    upload(collaboration, "advertiser", customersCsv(collaboration, 10), "text/csv")
        .statusCode(403);
  }

  @Test
  void badRow_nothingStoredAndNoValueEchoed() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    String csv = customersCsv(collaboration, 50);
    upload(collaboration, "retailer", csv, "text/csv").statusCode(200);
    String broken = csv.replaceFirst("\n(\\d+),", "\nnot-a-number-4411,");
    upload(collaboration, "retailer", broken, "text/csv")
        .statusCode(400)
        .contentType("application/problem+json")
        .body("code", equalTo("TYPE_MISMATCH"))
        .body(not(containsString("not-a-number-4411")));
    collaboration
        .as("retailer")
        .get(collaboration.path())
        .then()
        .body("datasets[0].currentVersion", equalTo(1));
  }

  @Test
  void missingColumn_badRequestNamingIt() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    upload(collaboration, "retailer", "customer_id,email\n1,a@b.c\n", "text/csv")
        .statusCode(400)
        .body("detail", containsString("email_hash"));
  }

  @Test
  void unsupportedContentType_unsupportedMediaType() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    upload(collaboration, "retailer", "{}", "application/json")
        .statusCode(415)
        .contentType("application/problem+json");
  }

  @Test
  void uploadOverTheLimit_payloadTooLarge() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    String csv = customersCsv(collaboration, 1);
    String big = csv + csv.substring(csv.indexOf('\n') + 1).repeat(60_000);
    upload(collaboration, "retailer", big, "text/csv")
        .statusCode(413)
        .contentType("application/problem+json");
  }

  @Test
  void erasure_removesTheUnitInANewVersion() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    upload(collaboration, "retailer", customersCsv(collaboration, 100), "text/csv").statusCode(200);
    approveCustomersPolicy(collaboration);
    collaboration
        .as("retailer")
        .delete(collaboration.path() + "/datasets/customers/units/1000007")
        .then()
        .statusCode(200)
        .body("version", equalTo(2))
        .body("rowsRemoved", equalTo(1));
    collaboration
        .as("privacy")
        .get(collaboration.path() + "/audit")
        .then()
        .body("events.action", hasItem("UNIT_ERASED"))
        .body(not(containsString("1000007")));
  }

  @Test
  void erasureByAnotherMember_forbidden() {
    Collaboration collaboration = Api.newCollaboration();
    collaboration.declareCustomers();
    collaboration
        .as("advertiser")
        .delete(collaboration.path() + "/datasets/customers/units/1000007")
        .then()
        .statusCode(403);
  }

  static String customersCsv(Collaboration collaboration, int rows) {
    DemoDataGenerator generator = TestData.generator(collaboration.name());
    return TestData.customersCsv(generator.customers(rows));
  }

  static ValidatableResponse upload(
      Collaboration collaboration, String member, String body, String contentType) {
    return collaboration
        .as(member)
        .contentType(contentType)
        .body(body)
        .put(collaboration.path() + "/datasets/customers/data")
        .then();
  }

  static void approveCustomersPolicy(Collaboration collaboration) {
    collaboration
        .as("privacy")
        .contentType(ContentType.JSON)
        .body(TestData.demoPolicyWithoutJoins("retailer.customers"))
        .put(collaboration.path() + "/datasets/customers/policy")
        .then()
        .statusCode(201);
    collaboration
        .as("privacy2")
        .post(collaboration.path() + "/datasets/customers/policy/1/approve")
        .then()
        .statusCode(200);
  }
}
