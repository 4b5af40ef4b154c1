package dev.cleanroom.server.policy;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DatasetCatalog;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a policy names outside itself is checked when it is proposed and again when it is approved:
 * the tables it joins or links to, the columns it joins on, the analysts it allows, and the types
 * its consent and metric columns are declared with. A refusal names the path and the identifier,
 * and stores nothing.
 */
@QuarkusTest
class PolicyReferencesApiTest {
  private static final String CUSTOMERS = TestData.demoPolicy("retailer.customers");
  private static final String IMPRESSIONS = TestData.demoPolicy("advertiser.impressions");

  @Inject PolicyVersions versions;
  @Inject Collaborations collaborations;
  @Inject DatasetCatalog datasets;

  @Test
  void demoPolicies_proposedAndApproved() {
    Collaboration room = withBothDatasets();
    propose(room, "customers", CUSTOMERS).statusCode(201).body("version", equalTo(1));
    propose(room, "impressions", IMPRESSIONS).statusCode(201).body("version", equalTo(1));
    approve(room, "customers", 1).statusCode(200).body("status", equalTo("APPROVED"));
    approve(room, "impressions", 1).statusCode(200).body("status", equalTo("APPROVED"));
  }

  @Test
  void joinWithATableThatIsNoDataset_refusedWithoutADraft() {
    Collaboration room = withBothDatasets();
    refused(
        propose(
            room,
            "customers",
            replace(CUSTOMERS, "\"other\": \"advertiser.impressions\"", "\"other\": \"x.y\"")),
        "$.allowedJoins[0].other",
        "allowed join on 'email_hash' names 'x.y', which is not a dataset of this collaboration");
    noDraft(room, "customers");
  }

  @Test
  void joinWithAColumnTheOtherDatasetDoesNotDeclare_refusedWithoutADraft() {
    Collaboration room = withBothDatasets();
    refused(
        propose(
            room,
            "customers",
            replace(
                CUSTOMERS, "\"otherColumn\": \"email_hash\"", "\"otherColumn\": \"mail_hash\"")),
        "$.allowedJoins[0].otherColumn",
        "allowed join on 'email_hash' names column 'mail_hash', which 'advertiser.impressions'"
            + " does not declare");
    noDraft(room, "customers");
  }

  @Test
  void joinWithADatasetNotYetDeclared_refused() {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    refused(
        propose(room, "customers", CUSTOMERS),
        "$.allowedJoins[0].other",
        "allowed join on 'email_hash' names 'advertiser.impressions', which is not a dataset of"
            + " this collaboration");
    noDraft(room, "customers");
  }

  @Test
  void unitLinkToATableThatIsNoDataset_refusedWithoutADraft() {
    Collaboration room = withBothDatasets();
    refused(
        propose(
            room,
            "impressions",
            replace(
                IMPRESSIONS,
                "\"linksToUnitOf\": \"retailer.customers\"",
                "\"linksToUnitOf\": \"retailer.clients\"")),
        "$.columns[0].linksToUnitOf",
        "join key 'email_hash' links to the unit of 'retailer.clients', which is not a dataset of"
            + " this collaboration");
    noDraft(room, "impressions");
  }

  @Test
  void analystWhoIsNoMember_refusedWithoutADraft() {
    Collaboration room = withBothDatasets();
    refused(
        propose(
            room,
            "customers",
            replace(
                CUSTOMERS,
                "\"allowedAnalysts\": [\"advertiser\"]",
                "\"allowedAnalysts\": [\"advertiser\", \"nobody\"]")),
        "$.allowedAnalysts[1]",
        "allowed analyst 'nobody' is not a member of this collaboration with the ANALYST role");
    noDraft(room, "customers");
  }

  @Test
  void memberWithoutTheAnalystRole_refusedWithoutADraft() {
    Collaboration room = withBothDatasets();
    refused(
        propose(
            room,
            "customers",
            replace(
                CUSTOMERS,
                "\"allowedAnalysts\": [\"advertiser\"]",
                "\"allowedAnalysts\": [\"retailer\"]")),
        "$.allowedAnalysts[0]",
        "allowed analyst 'retailer' is not a member of this collaboration with the ANALYST role");
    noDraft(room, "customers");
  }

  @Test
  void consentColumnDeclaredWithAnotherType_refusedWhateverThePolicySays() {
    Collaboration room = Api.newCollaboration();
    declareCustomers(room, "opted_out", "VARCHAR");
    room.declareImpressionsAs("advertiser");
    refused(
        propose(room, "customers", CUSTOMERS),
        "$.columns[7]",
        "column 'opted_out' is declared VARCHAR but the policy says BOOLEAN");
    refused(
        propose(
            room,
            "customers",
            replace(
                CUSTOMERS,
                "{\"name\": \"opted_out\", \"type\": \"BOOLEAN\"",
                "{\"name\": \"opted_out\", \"type\": \"VARCHAR\"")),
        "$.columns[7]",
        "consent column 'opted_out' has type VARCHAR: consent must be BOOLEAN");
    noDraft(room, "customers");
  }

  @Test
  void metricColumnDeclaredWithANonNumericType_refusedWhateverThePolicySays() {
    Collaboration room = Api.newCollaboration();
    declareCustomers(room, "lifetime_spend", "VARCHAR");
    room.declareImpressionsAs("advertiser");
    refused(
        propose(room, "customers", CUSTOMERS),
        "$.columns[6]",
        "column 'lifetime_spend' is declared VARCHAR but the policy says DOUBLE");
    refused(
        propose(
            room,
            "customers",
            replace(
                CUSTOMERS,
                "{\"name\": \"lifetime_spend\", \"type\": \"DOUBLE\"",
                "{\"name\": \"lifetime_spend\", \"type\": \"VARCHAR\"")),
        "$.columns[6]",
        "metric column 'lifetime_spend' has type VARCHAR: a metric is numeric or BOOLEAN");
    noDraft(room, "customers");
  }

  @Test
  void approval_checksTheDraftAgainAndChangesNothingWhenItNoLongerHolds() {
    Collaboration room = withBothDatasets();
    // A draft stored without the checks of a proposal: one whose analyst is no longer a member,
    // or one stored before the checks existed, looks like this.
    long collaborationId = collaborations.idOf(room.name());
    Dataset customers = datasets.require(collaborationId, "customers");
    Caller author =
        Caller.member(
            collaborations.memberIds(collaborationId).get("privacy"),
            "privacy",
            collaborationId,
            room.name(),
            Set.of(Role.PRIVACY_OFFICER));
    versions.propose(
        customers,
        author,
        replace(
            CUSTOMERS,
            "\"allowedAnalysts\": [\"advertiser\"]",
            "\"allowedAnalysts\": [\"advertiser\", \"nobody\"]"));

    refused(
        approve(room, "customers", 1),
        "$.allowedAnalysts[1]",
        "allowed analyst 'nobody' is not a member of this collaboration with the ANALYST role");
    room.as("privacy")
        .get(room.path() + "/datasets/customers/policy/1")
        .then()
        .statusCode(200)
        .body("status", equalTo("DRAFT"))
        .body("approver", nullValue());
    room.as("privacy")
        .get(room.path())
        .then()
        .body("datasets.find { it.name == 'customers' }.currentPolicyVersion", nullValue());
    room.as("privacy")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .body("events.action", not(hasItem("POLICY_APPROVED")));
  }

  private static Collaboration withBothDatasets() {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    room.declareImpressionsAs("advertiser");
    return room;
  }

  /** The demo customers table with one column declared with another type. */
  private static void declareCustomers(Collaboration room, String column, String type) {
    List<Map<String, String>> columns = new ArrayList<>();
    for (String[] declared :
        new String[][] {
          {"customer_id", "BIGINT"},
          {"email", "VARCHAR"},
          {"email_hash", "VARCHAR"},
          {"zip", "VARCHAR"},
          {"age_band", "VARCHAR"},
          {"loyalty_tier", "VARCHAR"},
          {"lifetime_spend", "DOUBLE"},
          {"opted_out", "BOOLEAN"}
        }) {
      columns.add(
          Map.of("name", declared[0], "type", declared[0].equals(column) ? type : declared[1]));
    }
    room.declare("retailer", "customers", columns);
  }

  private static String replace(String document, String target, String replacement) {
    if (!document.contains(target)) {
      throw new IllegalStateException("the demo policy no longer contains " + target);
    }
    return document.replace(target, replacement);
  }

  private static void refused(ValidatableResponse response, String path, String message) {
    response
        .statusCode(422)
        .contentType("application/problem+json")
        .body("code", equalTo("INVALID_INPUT"))
        .body("violations", hasSize(1))
        .body("violations[0].code", equalTo("INVALID_POLICY"))
        .body("violations[0].path", equalTo(path))
        .body("violations[0].message", equalTo(message));
  }

  private static void noDraft(Collaboration room, String dataset) {
    room.as("privacy")
        .get(room.path() + "/datasets/" + dataset + "/policy")
        .then()
        .statusCode(200)
        .body("$", hasSize(0));
  }

  private static ValidatableResponse propose(Collaboration room, String dataset, String document) {
    return room.as("privacy")
        .contentType(ContentType.JSON)
        .body(document)
        .put(room.path() + "/datasets/" + dataset + "/policy")
        .then();
  }

  private static ValidatableResponse approve(Collaboration room, String dataset, int version) {
    return room.as("privacy2")
        .post(room.path() + "/datasets/" + dataset + "/policy/" + version + "/approve")
        .then();
  }
}
