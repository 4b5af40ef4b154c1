package dev.cleanroom.server.change;

import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.TestData;
import dev.cleanroom.server.query.QueryStoryTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A change needs the approval of every provider whose data it exposes (issue #18, part 5): a policy
 * version that allows a new analyst or a new join waits for the dataset's owner (and the other
 * table's owner) before it takes effect, and a new member is added only once every provider has
 * approved its change request. Every refusal is a problem with a stable type, and changes nothing.
 */
@QuarkusTest
class ChangeRequestApiTest {
  private static final String PROBLEMS = "https://cleanroom.dev/problems/";
  private static final String REACH_BY_AGE =
      "SELECT age_band, COUNT(DISTINCT customer_id) AS reach FROM retailer.customers"
          + " GROUP BY age_band";
  private static final String ONLY_ADVERTISER = "\"allowedAnalysts\": [\"advertiser\"]";
  private static final String CUSTOMERS_WITH_AGENCY =
      replace(
          TestData.demoPolicy("retailer.customers"),
          ONLY_ADVERTISER,
          "\"allowedAnalysts\": [\"advertiser\", \"agency\"]");

  // Grants: a policy version that widens exposure.

  @Test
  void grantOfASecondAnalyst_awaitsTheRetailer_andTheAnalystIsAnsweredOnlyOnceItApproves() {
    Collaboration room = loadedRoomWithAgency();
    Response before = ask(room, "agency");
    assertTrue(before.statusCode() >= 400, "agency is not allowed yet: " + before.asString());

    propose(room, "customers", CUSTOMERS_WITH_AGENCY).statusCode(201).body("version", equalTo(2));
    approve(room, "customers", 2)
        .statusCode(202)
        .body("status", equalTo("AWAITING_PROVIDERS"))
        .body("approver", equalTo("privacy2"))
        .body("approvedAt", nullValue())
        .body("providers.provider", equalTo(List.of("retailer")))
        .body("providers.status", equalTo(List.of("AWAITED")));

    // Until the retailer approves, version 1 is in force and agency is refused as before.
    sameRefusal(before, ask(room, "agency"));
    currentPolicyVersion(room, "customers", 1);
    room.as("agency")
        .get(room.path() + "/datasets/customers/policy")
        .then()
        .statusCode(200)
        .body("status", equalTo(List.of("APPROVED", "AWAITING_PROVIDERS")))
        .body("[1].providers[0].provider", equalTo("retailer"))
        .body("[1].providers[0].status", equalTo("AWAITED"));

    // The advertiser is a provider, but not of this dataset; a non-member is no member at all.
    notAwaited(decide(room, "advertiser", "customers", 2, "provider-approval"));
    Collaboration stranger = Api.newCollaboration();
    Api.as(stranger.keys().get("retailer"))
        .post(room.path() + "/datasets/customers/policy/2/provider-approval")
        .then()
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo(PROBLEMS + "forbidden"));
    // The officer's approval is no provider's: approving again is refused as before.
    approve(room, "customers", 2).statusCode(409).body("type", equalTo(PROBLEMS + "conflict"));
    currentPolicyVersion(room, "customers", 1);
    sameRefusal(before, ask(room, "agency"));

    decide(room, "retailer", "customers", 2, "provider-approval")
        .statusCode(200)
        .body("status", equalTo("APPROVED"))
        .body("approvedAt", notNullValue())
        .body("providers.status", equalTo(List.of("APPROVED")))
        .body("providers[0].decidedAt", notNullValue());
    currentPolicyVersion(room, "customers", 2);
    room.as("agency")
        .get(room.path() + "/datasets/customers/policy")
        .then()
        .body("status", equalTo(List.of("SUPERSEDED", "APPROVED")));
    Response after = ask(room, "agency");
    assertEquals(200, after.statusCode(), after.asString());
    notAwaited(decide(room, "retailer", "customers", 2, "provider-approval"));

    List<Map<String, Object>> awaiting = room.auditEvents("POLICY_AWAITING_PROVIDERS");
    assertEquals(1, awaiting.size());
    assertEquals("privacy2", awaiting.get(0).get("actor"));
    assertEquals(
        "policyVersion=2 author=privacy newAnalysts=agency awaiting=retailer",
        awaiting.get(0).get("detail"));
    assertEquals(
        List.of("retailer"),
        room.auditEvents("POLICY_PROVIDER_APPROVED").stream().map(e -> e.get("actor")).toList());
    Map<String, Object> approved = last(room.auditEvents("POLICY_APPROVED"));
    assertEquals("retailer", approved.get("actor"));
    assertEquals(
        "policyVersion=2 author=privacy approver=privacy2 providers=retailer",
        approved.get("detail"));
  }

  @Test
  void retailerRefusesTheGrant_theVersionIsRefused_andVersionOneStaysInForce() {
    Collaboration room = loadedRoomWithAgency();
    Response before = ask(room, "agency");
    propose(room, "customers", CUSTOMERS_WITH_AGENCY).statusCode(201);
    approve(room, "customers", 2).statusCode(202);

    decide(room, "retailer", "customers", 2, "provider-refusal")
        .statusCode(200)
        .body("status", equalTo("REFUSED"))
        .body("approvedAt", nullValue())
        .body("providers.status", equalTo(List.of("REFUSED")));

    currentPolicyVersion(room, "customers", 1);
    sameRefusal(before, ask(room, "agency"));
    notAwaited(decide(room, "retailer", "customers", 2, "provider-approval"));
    notAwaited(decide(room, "retailer", "customers", 2, "provider-refusal"));
    approve(room, "customers", 2).statusCode(409);
    currentPolicyVersion(room, "customers", 1);
    assertEquals(
        List.of("retailer"),
        room.auditEvents("POLICY_PROVIDER_REFUSED").stream().map(e -> e.get("actor")).toList());
    assertEquals(2, room.auditEvents("POLICY_APPROVED").size(), "version 1 of each dataset only");
  }

  @Test
  void newJoin_awaitsTheOwnersOfBothTables_andTakesEffectWithTheLast() {
    Collaboration room = Api.newCollaboration();
    room.declareCustomers();
    room.declareImpressionsAs("advertiser");
    room.approvePolicy("customers", TestData.demoPolicyWithoutJoins("retailer.customers"), 1);
    room.approvePolicy("impressions", TestData.demoPolicy("advertiser.impressions"), 1);

    propose(room, "customers", TestData.demoPolicy("retailer.customers")).statusCode(201);
    approve(room, "customers", 2)
        .statusCode(202)
        .body("providers.provider", equalTo(List.of("advertiser", "retailer")))
        .body("providers.status", equalTo(List.of("AWAITED", "AWAITED")));
    decide(room, "retailer", "customers", 2, "provider-approval")
        .statusCode(202)
        .body("status", equalTo("AWAITING_PROVIDERS"))
        .body("providers.status", equalTo(List.of("AWAITED", "APPROVED")));
    currentPolicyVersion(room, "customers", 1);
    decide(room, "advertiser", "customers", 2, "provider-approval")
        .statusCode(200)
        .body("status", equalTo("APPROVED"))
        .body("providers.status", equalTo(List.of("APPROVED", "APPROVED")));
    currentPolicyVersion(room, "customers", 2);
    assertEquals(
        "policyVersion=2 author=privacy"
            + " newJoins=email_hash:advertiser.impressions.email_hash"
            + " awaiting=advertiser,retailer",
        room.auditEvents("POLICY_AWAITING_PROVIDERS").get(0).get("detail"));
  }

  @Test
  void versionPutInForceMeanwhile_isComparedAgain_andAsksTheProvidersItNowNeeds() {
    Collaboration room = Api.newCollaborationWithAnalysts("agency");
    room.declareCustomers();
    room.declareImpressionsAs("advertiser");
    String withJoin = TestData.demoPolicy("retailer.customers");
    room.approvePolicy("customers", withJoin, 1);
    propose(
            room,
            "customers",
            replace(withJoin, ONLY_ADVERTISER, "\"allowedAnalysts\": [\"advertiser\", \"agency\"]"))
        .statusCode(201);
    approve(room, "customers", 2)
        .statusCode(202)
        .body("providers.provider", equalTo(List.of("retailer")));
    // Version 3 drops the join and takes effect at once; version 2 now widens the join too.
    propose(room, "customers", TestData.demoPolicyWithoutJoins("retailer.customers"))
        .statusCode(201);
    approve(room, "customers", 3).statusCode(200).body("status", equalTo("APPROVED"));

    decide(room, "retailer", "customers", 2, "provider-approval")
        .statusCode(202)
        .body("status", equalTo("AWAITING_PROVIDERS"))
        .body("providers.provider", equalTo(List.of("advertiser", "retailer")))
        .body("providers.status", equalTo(List.of("AWAITED", "APPROVED")));
    currentPolicyVersion(room, "customers", 3);
    decide(room, "advertiser", "customers", 2, "provider-approval")
        .statusCode(200)
        .body("status", equalTo("APPROVED"));
    currentPolicyVersion(room, "customers", 2);
    room.as("privacy")
        .get(policyPath(room, "customers"))
        .then()
        .body("status", equalTo(List.of("SUPERSEDED", "APPROVED", "SUPERSEDED")));
  }

  @Test
  void narrowingVersion_takesEffectAtOnce_withoutProviders() {
    Collaboration room = Api.newCollaborationWithAnalysts("agency");
    room.declareCustomers();
    room.approvePolicy(
        "customers",
        replace(
            TestData.demoPolicyWithoutJoins("retailer.customers"),
            ONLY_ADVERTISER,
            "\"allowedAnalysts\": [\"advertiser\", \"agency\"]"),
        1);
    propose(room, "customers", TestData.demoPolicyWithoutJoins("retailer.customers"))
        .statusCode(201);
    approve(room, "customers", 2)
        .statusCode(200)
        .body("status", equalTo("APPROVED"))
        .body("providers", nullValue());
    assertEquals(List.of(), room.auditEvents("POLICY_AWAITING_PROVIDERS"));
  }

  @Test
  void officerThatOwnsTheDataset_approvesAsItsProviderToo() {
    String name = "own" + System.nanoTime() % 1_000_000_000L;
    JsonPath created =
        Api.as(Api.OPERATOR_KEY)
            .contentType(ContentType.JSON)
            .body(
                Map.of(
                    "name",
                    name,
                    "members",
                    List.of(
                        Map.of("name", "retailer", "roles", List.of("PROVIDER", "PRIVACY_OFFICER")),
                        Map.of("name", "privacy", "roles", List.of("PRIVACY_OFFICER")),
                        Map.of("name", "advertiser", "roles", List.of("ANALYST")),
                        Map.of("name", "agency", "roles", List.of("ANALYST")))))
            .post("/api/v1/collaborations")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    Map<String, String> keys =
        Map.of(
            "retailer", created.getString("members.find { it.name == 'retailer' }.apiKey"),
            "privacy", created.getString("members.find { it.name == 'privacy' }.apiKey"));
    Collaboration room = new Collaboration(name, keys);
    room.declareCustomers();
    String v1 = TestData.demoPolicyWithoutJoins("retailer.customers");
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(v1)
        .put(policyPath(room, "customers"))
        .then()
        .statusCode(201);
    room.as("retailer").post(policyPath(room, "customers") + "/1/approve").then().statusCode(200);
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(replace(v1, ONLY_ADVERTISER, "\"allowedAnalysts\": [\"advertiser\", \"agency\"]"))
        .put(policyPath(room, "customers"))
        .then()
        .statusCode(201);

    room.as("retailer")
        .post(policyPath(room, "customers") + "/2/approve")
        .then()
        .statusCode(200)
        .body("status", equalTo("APPROVED"))
        .body("providers.provider", equalTo(List.of("retailer")))
        .body("providers.status", equalTo(List.of("APPROVED")));
  }

  // New members by change request.

  @Test
  void addMember_withTwoProviders_isAppliedOnlyAfterBothApprove() {
    Collaboration room = Api.newCollaboration();
    requestAgency(room, "privacy")
        .statusCode(201)
        .body("id", equalTo(1))
        .body("kind", equalTo("ADD_MEMBER"))
        .body("member", equalTo("agency"))
        .body("roles", equalTo(List.of("ANALYST")))
        .body("status", equalTo("PENDING"))
        .body("requestedBy", equalTo("privacy"))
        .body("approvals.provider", equalTo(List.of("advertiser", "retailer")))
        .body("approvals.status", equalTo(List.of("AWAITED", "AWAITED")));
    issueKey(room, "agency").statusCode(404);

    decide(room, "retailer", 1, "approve")
        .statusCode(200)
        .body("status", equalTo("PENDING"))
        .body("approvals.status", equalTo(List.of("AWAITED", "APPROVED")));
    changeNotAwaited(decide(room, "retailer", 1, "approve"));
    changeNotAwaited(decide(room, "privacy", 1, "approve"));
    members(room).body("members.name", not(hasItem("agency")));
    issueKey(room, "agency").statusCode(404);

    decide(room, "advertiser", 1, "approve")
        .statusCode(200)
        .body("status", equalTo("APPLIED"))
        .body("decidedAt", notNullValue())
        .body("approvals.status", equalTo(List.of("APPROVED", "APPROVED")));
    members(room).body("members.find { it.name == 'agency' }.roles", equalTo(List.of("ANALYST")));
    String agencyKey = issueKey(room, "agency").statusCode(201).extract().path("apiKey");
    Api.as(agencyKey)
        .get(room.path() + "/change-requests/1")
        .then()
        .statusCode(200)
        .body("status", equalTo("APPLIED"));
    Api.as(Api.OPERATOR_KEY)
        .get(room.path() + "/change-requests")
        .then()
        .statusCode(200)
        .body("id", equalTo(List.of(1)))
        .body("status", equalTo(List.of("APPLIED")));
    changeNotAwaited(decide(room, "advertiser", 1, "reject"));

    assertEquals(
        "changeRequest=1 kind=ADD_MEMBER member=agency roles=ANALYST awaiting=advertiser,retailer",
        room.auditEvents("CHANGE_REQUESTED").get(0).get("detail"));
    assertEquals(
        List.of("retailer", "advertiser"),
        room.auditEvents("CHANGE_APPROVED").stream().map(e -> e.get("actor")).toList());
    List<Map<String, Object>> added = room.auditEvents("MEMBER_ADDED");
    assertEquals(1, added.size());
    assertEquals("advertiser", added.get(0).get("actor"));
    assertEquals("member=agency roles=ANALYST changeRequest=1", added.get(0).get("detail"));
    // The new analyst's grant then waits for the retailer like any other.
    room.declareCustomers();
    room.approvePolicy("customers", TestData.demoPolicyWithoutJoins("retailer.customers"), 1);
    propose(
            room,
            "customers",
            replace(
                TestData.demoPolicyWithoutJoins("retailer.customers"),
                ONLY_ADVERTISER,
                "\"allowedAnalysts\": [\"advertiser\", \"agency\"]"))
        .statusCode(201);
    approve(room, "customers", 2).statusCode(202);
  }

  @Test
  void rejectedChange_addsNoMember_andTheNameMayBeAskedAgain() {
    Collaboration room = Api.newCollaboration();
    requestAgency(room, "privacy").statusCode(201);
    decide(room, "retailer", 1, "approve").statusCode(200);

    decide(room, "advertiser", 1, "reject")
        .statusCode(200)
        .body("status", equalTo("REJECTED"))
        .body("decidedAt", notNullValue())
        .body("approvals.status", equalTo(List.of("REJECTED", "APPROVED")));
    changeNotAwaited(decide(room, "retailer", 1, "reject"));
    members(room).body("members.name", not(hasItem("agency")));
    assertEquals(List.of(), room.auditEvents("MEMBER_ADDED"));
    assertEquals(1, room.auditEvents("CHANGE_REJECTED").size());

    Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(Map.of("kind", "ADD_MEMBER", "member", "agency", "roles", List.of("ANALYST")))
        .post(room.path() + "/change-requests")
        .then()
        .statusCode(201)
        .body("id", equalTo(2))
        .body("requestedBy", equalTo("operator"))
        .body("status", equalTo("PENDING"));
  }

  @Test
  void refusedChangeRequests_areProblems_andRecordNothing() {
    Collaboration room = Api.newCollaboration();
    // An analyst may not ask; nor may a member of another collaboration.
    requestAgency(room, "advertiser")
        .statusCode(403)
        .contentType("application/problem+json")
        .body("type", equalTo(PROBLEMS + "forbidden"));
    Collaboration stranger = Api.newCollaboration();
    Api.as(stranger.keys().get("privacy"))
        .contentType(ContentType.JSON)
        .body(Map.of("kind", "ADD_MEMBER", "member", "agency", "roles", List.of("ANALYST")))
        .post(room.path() + "/change-requests")
        .then()
        .statusCode(403)
        .body("type", equalTo(PROBLEMS + "forbidden"));
    Api.as(stranger.keys().get("retailer"))
        .get(room.path() + "/change-requests")
        .then()
        .statusCode(403)
        .body("type", equalTo(PROBLEMS + "forbidden"));
    // A member's name.
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(Map.of("kind", "ADD_MEMBER", "member", "retailer", "roles", List.of("ANALYST")))
        .post(room.path() + "/change-requests")
        .then()
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", equalTo(PROBLEMS + "member-exists"))
        .body("code", equalTo("MEMBER_EXISTS"));
    // No kind, no role, a name the audit log reserves.
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(Map.of("member", "agency", "roles", List.of("ANALYST")))
        .post(room.path() + "/change-requests")
        .then()
        .statusCode(400)
        .body("type", equalTo(PROBLEMS + "malformed-request"));
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(Map.of("kind", "ADD_MEMBER", "member", "agency", "roles", List.of()))
        .post(room.path() + "/change-requests")
        .then()
        .statusCode(400);
    room.as("privacy")
        .contentType(ContentType.JSON)
        .body(Map.of("kind", "ADD_MEMBER", "member", "operator", "roles", List.of("ANALYST")))
        .post(room.path() + "/change-requests")
        .then()
        .statusCode(422)
        .body("type", equalTo(PROBLEMS + "invalid-input"));
    room.as("retailer")
        .get(room.path() + "/change-requests")
        .then()
        .statusCode(200)
        .body("$", hasSize(0));
    assertEquals(List.of(), room.auditEvents("CHANGE_REQUESTED"));

    // A name a pending request adds already; an unknown request; an unknown collaboration.
    requestAgency(room, "privacy").statusCode(201);
    requestAgency(room, "privacy")
        .statusCode(409)
        .body("type", equalTo(PROBLEMS + "member-exists"))
        .body("detail", containsString("pending change request 1"));
    room.as("retailer").get(room.path() + "/change-requests/9").then().statusCode(404);
    decide(room, "retailer", 9, "approve").statusCode(404);
    Api.as(Api.OPERATOR_KEY)
        .get("/api/v1/collaborations/no_such_room/change-requests")
        .then()
        .statusCode(404);
    // The operator reads but does not decide: it is no provider.
    Api.as(Api.OPERATOR_KEY)
        .post(room.path() + "/change-requests/1/approve")
        .then()
        .statusCode(403);
    room.as("retailer")
        .get(room.path() + "/change-requests")
        .then()
        .body("$", hasSize(1))
        .body("[0].status", equalTo("PENDING"))
        .body("[0].approvals.status", equalTo(List.of("AWAITED", "AWAITED")));
    members(room).body("members.name", not(hasItem("agency")));
  }

  @Test
  void collaborationWithoutProviders_appliesTheChangeAtOnce() {
    String name = "noprov" + System.nanoTime() % 1_000_000_000L;
    Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "name",
                name,
                "members",
                List.of(Map.of("name", "privacy", "roles", List.of("PRIVACY_OFFICER")))))
        .post("/api/v1/collaborations")
        .then()
        .statusCode(201);
    Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(Map.of("kind", "ADD_MEMBER", "member", "retailer", "roles", List.of("PROVIDER")))
        .post("/api/v1/collaborations/" + name + "/change-requests")
        .then()
        .statusCode(201)
        .body("status", equalTo("APPLIED"))
        .body("approvals", hasSize(0));
    // Now there is a provider: the next change waits for it.
    Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(Map.of("kind", "ADD_MEMBER", "member", "agency", "roles", List.of("ANALYST")))
        .post("/api/v1/collaborations/" + name + "/change-requests")
        .then()
        .statusCode(201)
        .body("status", equalTo("PENDING"))
        .body("approvals.provider", equalTo(List.of("retailer")));
  }

  // Helpers.

  private static Collaboration loadedRoomWithAgency() {
    return QueryStoryTest.loadedRoom(Api.newCollaborationWithAnalysts("agency"), policy -> policy);
  }

  private static Response ask(Collaboration room, String analyst) {
    return room.as(analyst)
        .contentType(ContentType.JSON)
        .body(Map.of("sql", REACH_BY_AGE))
        .post(room.path() + "/queries");
  }

  /** The same status, problem type and detail: the pending grant changed nothing. */
  private static void sameRefusal(Response before, Response now) {
    assertEquals(before.statusCode(), now.statusCode(), now.asString());
    assertEquals(before.contentType(), now.contentType());
    JsonPath expected = before.jsonPath();
    JsonPath actual = now.jsonPath();
    assertEquals(expected.getString("type"), actual.getString("type"));
    assertEquals(expected.getString("detail"), actual.getString("detail"));
  }

  private static String policyPath(Collaboration room, String dataset) {
    return room.path() + "/datasets/" + dataset + "/policy";
  }

  private static ValidatableResponse propose(Collaboration room, String dataset, String document) {
    return room.as("privacy")
        .contentType(ContentType.JSON)
        .body(document)
        .put(policyPath(room, dataset))
        .then();
  }

  private static ValidatableResponse approve(Collaboration room, String dataset, int version) {
    return room.as("privacy2").post(policyPath(room, dataset) + "/" + version + "/approve").then();
  }

  private static ValidatableResponse decide(
      Collaboration room, String member, String dataset, int version, String decision) {
    return room.as(member).post(policyPath(room, dataset) + "/" + version + "/" + decision).then();
  }

  private static void notAwaited(ValidatableResponse response) {
    response
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", equalTo(PROBLEMS + "provider-approval-not-awaited"))
        .body("code", equalTo("PROVIDER_APPROVAL_NOT_AWAITED"));
  }

  private static void currentPolicyVersion(Collaboration room, String dataset, int version) {
    room.as("privacy")
        .get(room.path())
        .then()
        .statusCode(200)
        .body(
            "datasets.find { it.name == '" + dataset + "' }.currentPolicyVersion",
            equalTo(version));
  }

  private static ValidatableResponse requestAgency(Collaboration room, String member) {
    return room.as(member)
        .contentType(ContentType.JSON)
        .body(Map.of("kind", "ADD_MEMBER", "member", "agency", "roles", List.of("ANALYST")))
        .post(room.path() + "/change-requests")
        .then();
  }

  private static ValidatableResponse decide(
      Collaboration room, String member, int id, String decision) {
    return room.as(member).post(room.path() + "/change-requests/" + id + "/" + decision).then();
  }

  private static void changeNotAwaited(ValidatableResponse response) {
    response
        .statusCode(409)
        .contentType("application/problem+json")
        .body(
            allOf(
                containsString(PROBLEMS + "change-approval-not-awaited"),
                containsString("CHANGE_APPROVAL_NOT_AWAITED")));
  }

  private static ValidatableResponse members(Collaboration room) {
    return room.as("retailer").get(room.path()).then().statusCode(200);
  }

  private static ValidatableResponse issueKey(Collaboration room, String member) {
    return Api.as(Api.OPERATOR_KEY)
        .contentType(ContentType.JSON)
        .body(Map.of())
        .post(room.path() + "/members/" + member + "/keys")
        .then();
  }

  private static Map<String, Object> last(List<Map<String, Object>> events) {
    return events.get(events.size() - 1);
  }

  private static String replace(String document, String target, String replacement) {
    if (!document.contains(target)) {
      throw new IllegalStateException("the demo policy no longer contains " + target);
    }
    return document.replace(target, replacement);
  }
}
