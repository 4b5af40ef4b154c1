package dev.cleanroom.server.keys;

import static dev.cleanroom.server.Api.as;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.MovableClock;
import dev.cleanroom.server.auth.ApiKeys;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Members' API keys over real HTTP: issue, list, rotate with grace, expire, revoke, audit. */
@QuarkusTest
class KeyApiTest {
  private static final String UNAUTHENTICATED = "https://cleanroom.dev/problems/unauthenticated";

  @Inject MovableClock clock;

  @AfterEach
  void resetClock() {
    clock.reset();
  }

  @Test
  void memberIssuesItsOwnKey_itWorksAndIsListedByPrefixOnly() {
    Collaboration room = Api.newCollaboration();
    JsonPath issued = issue(room, "retailer", Map.of()).then().statusCode(201).extract().jsonPath();
    String key = issued.getString("apiKey");
    String prefix = issued.getString("prefix");

    assertTrue(key.startsWith("crk_"), "a generated key starts with crk_");
    assertEquals(key.substring(0, 12), prefix);
    Api.as(key).get(room.path()).then().statusCode(200);
    String listing =
        keys(room, "retailer", "retailer").then().statusCode(200).extract().body().asString();
    JsonPath listed = JsonPath.from(listing);
    assertEquals(2, listed.getList("$").size());
    assertEquals("ACTIVE", listed.getString("find { it.prefix == '" + prefix + "' }.status"));
    assertEquals("retailer", listed.getString("find { it.prefix == '" + prefix + "' }.createdBy"));
    assertEquals(
        issued.getString("expiresAt"),
        listed.getString("find { it.prefix == '" + prefix + "' }.expiresAt"));
    assertFalse(listing.contains(key), "a listing never shows a key");
    assertFalse(listing.contains(ApiKeys.hash(key)), "a listing never shows a key's hash");
    assertFalse(listing.contains(ApiKeys.hash(key).substring(0, 16)), listing);
  }

  @Test
  void collaborationsFirstKeys_expireAfterTheMaximumLifetime_andAreListed() {
    Collaboration room = Api.newCollaboration();
    String prefix = room.keys().get("privacy").substring(0, 12);
    JsonPath listed = keys(room, "privacy", "privacy").then().statusCode(200).extract().jsonPath();

    assertEquals(List.of(prefix), listed.getList("prefix"));
    assertEquals("operator", listed.getString("[0].createdBy"));
    Instant created = Instant.parse(listed.getString("[0].createdAt"));
    assertEquals(
        created.plus(Duration.ofDays(365)), Instant.parse(listed.getString("[0].expiresAt")));
  }

  @Test
  void operatorIssuesAKeyForAMember_createdByOperator() {
    Collaboration room = Api.newCollaboration();
    JsonPath issued =
        as(Api.OPERATOR_KEY)
            .contentType(ContentType.JSON)
            .body(Map.of())
            .post(room.path() + "/members/advertiser/keys")
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();

    Api.as(issued.getString("apiKey")).get(room.path() + "/budget").then().statusCode(200);
    as(Api.OPERATOR_KEY)
        .get(room.path() + "/members/advertiser/keys")
        .then()
        .statusCode(200)
        .body(
            "find { it.prefix == '" + issued.getString("prefix") + "' }.createdBy",
            equalTo("operator"));
  }

  @Test
  void memberActsOnAnotherMembersKeys_forbidden() {
    Collaboration room = Api.newCollaboration();
    String otherPrefix = room.keys().get("advertiser").substring(0, 12);
    String detail = "member 'retailer' may manage only its own API keys";
    String keysOfAdvertiser = room.path() + "/members/advertiser/keys";

    forbidden(room.as("retailer").get(keysOfAdvertiser), detail);
    forbidden(
        room.as("retailer").contentType(ContentType.JSON).body(Map.of()).post(keysOfAdvertiser),
        detail);
    forbidden(
        room.as("retailer")
            .contentType(ContentType.JSON)
            .body(Map.of())
            .post(keysOfAdvertiser + "/" + otherPrefix + "/rotate"),
        detail);
    forbidden(room.as("retailer").delete(keysOfAdvertiser + "/" + otherPrefix), detail);
    // An unknown member or prefix is refused the same way: nothing is looked up first.
    forbidden(room.as("retailer").get(room.path() + "/members/nobody/keys"), detail);
    forbidden(room.as("retailer").delete(keysOfAdvertiser + "/crk_AAAAAAAA"), detail);
    Api.as(room.keys().get("advertiser")).get(room.path()).then().statusCode(200);
  }

  @Test
  void memberOfAnotherCollaboration_forbidden() {
    Collaboration room = Api.newCollaboration();
    Collaboration other = Api.newCollaboration();

    forbidden(
        other.as("retailer").get(room.path() + "/members/retailer/keys"),
        "not a member of collaboration '" + room.name() + "'");
  }

  @Test
  void operatorNamesAnUnknownMemberOrCollaboration_notFound() {
    Collaboration room = Api.newCollaboration();

    as(Api.OPERATOR_KEY)
        .get(room.path() + "/members/nobody/keys")
        .then()
        .statusCode(404)
        .contentType("application/problem+json")
        .body(
            "detail",
            equalTo("member 'nobody' of collaboration '" + room.name() + "' does not exist"));
    as(Api.OPERATOR_KEY)
        .get("/api/v1/collaborations/no_such_room/members/retailer/keys")
        .then()
        .statusCode(404)
        .body("detail", equalTo("collaboration 'no_such_room' does not exist"));
  }

  @Test
  void rotation_oldKeyWorksDuringGrace_thenIsRefusedLikeAnUnknownKey() {
    Collaboration room = Api.newCollaboration();
    String oldKey = room.keys().get("advertiser");
    String oldPrefix = oldKey.substring(0, 12);
    JsonPath rotated =
        rotate(room, "advertiser", oldPrefix, Map.of("graceSeconds", 600))
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    String newKey = rotated.getString("key.apiKey");
    Instant rotatedAt = Instant.parse(rotated.getString("key.createdAt"));

    assertEquals(oldPrefix, rotated.getString("previous.prefix"));
    assertEquals(rotated.getString("key.prefix"), rotated.getString("previous.replacedBy"));
    assertEquals(
        rotatedAt.plusSeconds(600), Instant.parse(rotated.getString("previous.expiresAt")));
    Api.as(oldKey).get(room.path()).then().statusCode(200);
    Api.as(newKey).get(room.path()).then().statusCode(200);

    clock.moveAhead(Duration.ofSeconds(601));

    assertRefusedLikeUnknown(oldKey);
    Api.as(newKey).get(room.path()).then().statusCode(200);
    Api.as(newKey)
        .get(room.path() + "/members/advertiser/keys")
        .then()
        .statusCode(200)
        .body("find { it.prefix == '" + oldPrefix + "' }.status", equalTo("EXPIRED"));
  }

  @Test
  void rotationWithoutGrace_oldKeyStopsAtOnce() {
    Collaboration room = Api.newCollaboration();
    String oldKey = room.keys().get("retailer");

    rotate(room, "retailer", oldKey.substring(0, 12), Map.of("graceSeconds", 0))
        .then()
        .statusCode(201)
        .body("previous.status", equalTo("EXPIRED"));
    assertRefusedLikeUnknown(oldKey);
  }

  @Test
  void rotationRefusals_exactProblems() {
    Collaboration room = Api.newCollaboration();
    String prefix = room.keys().get("retailer").substring(0, 12);

    problem(
        rotate(room, "retailer", prefix, Map.of("graceSeconds", 604801)),
        422,
        "'graceSeconds' must be at most 604800 (cleanroom.api-key.max-grace)");
    problem(
        rotate(room, "retailer", prefix, Map.of("graceSeconds", -1)),
        400,
        "'request.graceSeconds' must be greater than or equal to 0");
    problem(
        rotate(room, "retailer", "crk_AAAAAAAA", Map.of()),
        404,
        "key 'crk_AAAAAAAA' of member 'retailer' does not exist");
    problem(
        rotate(room, "retailer", "not-a-prefix", Map.of()),
        400,
        "the key prefix must be 'crk_' or 'sha_' and 8 characters, as the key list shows it");
    JsonPath first =
        rotate(room, "retailer", prefix, Map.of()).then().statusCode(201).extract().jsonPath();
    problem(
        rotate(room, "retailer", prefix, Map.of()),
        409,
        "key '" + prefix + "' was rotated already, to '" + first.getString("key.prefix") + "'");
  }

  @Test
  void expiryRefusals_exactProblems() {
    Collaboration room = Api.newCollaboration();

    problem(
        issue(room, "retailer", Map.of("expiresAt", Instant.now().minusSeconds(1).toString())),
        422,
        "'expiresAt' must be in the future");
    problem(
        issue(
            room,
            "retailer",
            Map.of("expiresAt", Instant.now().plus(Duration.ofDays(366)).toString())),
        422,
        "'expiresAt' must be at most 31536000 seconds from now (cleanroom.api-key.max-lifetime)");
    problem(issue(room, "retailer", Map.of("expiresAt", "tomorrow")), 400, null);
    keys(room, "retailer", "retailer").then().statusCode(200).body("$", hasSize(1));
  }

  @Test
  void keyPastItsExpiry_refusedLikeAnUnknownKey() {
    Collaboration room = Api.newCollaboration();
    String key =
        issue(room, "privacy", Map.of("expiresAt", Instant.now().plusSeconds(120).toString()))
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getString("apiKey");
    Api.as(key).get(room.path()).then().statusCode(200);

    clock.moveAhead(Duration.ofSeconds(121));

    assertRefusedLikeUnknown(key);
  }

  @Test
  void revokedKey_refusedAtOnceLikeAnUnknownKey() {
    Collaboration room = Api.newCollaboration();
    String second =
        issue(room, "retailer", Map.of())
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getString("apiKey");
    String first = room.keys().get("retailer");

    room.as("retailer")
        .delete(room.path() + "/members/retailer/keys/" + first.substring(0, 12))
        .then()
        .statusCode(200)
        .body("status", equalTo("REVOKED"))
        .body("revokedBy", equalTo("retailer"));

    assertRefusedLikeUnknown(first);
    Api.as(second).get(room.path()).then().statusCode(200);
    problem(
        Api.as(second).delete(room.path() + "/members/retailer/keys/" + first.substring(0, 12)),
        409,
        "key '" + first.substring(0, 12) + "' is revoked already");
    problem(
        rotate(Api.as(second), room, "retailer", first.substring(0, 12), Map.of()),
        409,
        "key '" + first.substring(0, 12) + "' is revoked, not active");
  }

  @Test
  void memberRevokesItsLastKey_refused_operatorMay() {
    Collaboration room = Api.newCollaboration();
    String key = room.keys().get("privacy2");
    String prefix = key.substring(0, 12);

    problem(
        room.as("privacy2").delete(room.path() + "/members/privacy2/keys/" + prefix),
        409,
        "key '"
            + prefix
            + "' is the last active key of member 'privacy2': issue another first, or ask the"
            + " operator to revoke it");
    Api.as(key).get(room.path()).then().statusCode(200);

    as(Api.OPERATOR_KEY)
        .delete(room.path() + "/members/privacy2/keys/" + prefix)
        .then()
        .statusCode(200)
        .body("revokedBy", equalTo("operator"))
        .body("replacedBy", nullValue());
    assertRefusedLikeUnknown(key);
  }

  @Test
  void aKeyExpiringWithinADay_doesNotCountAsAnotherActiveKey() {
    Collaboration room = Api.newCollaboration();
    String prefix = room.keys().get("privacy2").substring(0, 12);
    issue(room, "privacy2", Map.of("expiresAt", Instant.now().plusSeconds(3600).toString()))
        .then()
        .statusCode(201);

    problem(
        room.as("privacy2").delete(room.path() + "/members/privacy2/keys/" + prefix),
        409,
        "key '"
            + prefix
            + "' is the last active key of member 'privacy2': issue another first, or ask the"
            + " operator to revoke it");
  }

  @Test
  void aMemberHoldsAtMostTenActiveKeys() {
    Collaboration room = Api.newCollaboration();
    for (int i = 1; i < MemberKeys.MAX_ACTIVE_KEYS; i++) {
      issue(room, "privacy2", Map.of()).then().statusCode(201);
    }

    problem(
        issue(room, "privacy2", Map.of()),
        409,
        "member 'privacy2' has 10 active keys, the most it may hold: revoke one first");
  }

  @Test
  void keyInItsGracePeriod_doesNotCountAsAnotherActiveKey() {
    Collaboration room = Api.newCollaboration();
    String oldPrefix = room.keys().get("retailer").substring(0, 12);
    String newPrefix =
        rotate(room, "retailer", oldPrefix, Map.of("graceSeconds", 600))
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getString("key.prefix");

    problem(
        room.as("retailer").delete(room.path() + "/members/retailer/keys/" + newPrefix),
        409,
        "key '"
            + newPrefix
            + "' is the last active key of member 'retailer': issue another first, or ask the"
            + " operator to revoke it");
    // The old key, in its grace period, may be revoked early: the new one remains.
    room.as("retailer")
        .delete(room.path() + "/members/retailer/keys/" + oldPrefix)
        .then()
        .statusCode(200);
  }

  @Test
  void everyKeyChange_isAuditedWithPrefixes_neverKeys_andTheChainVerifies() {
    Collaboration room = Api.newCollaboration();
    String oldKey = room.keys().get("retailer");
    String issuedKey =
        issue(room, "retailer", Map.of())
            .then()
            .statusCode(201)
            .extract()
            .jsonPath()
            .getString("apiKey");
    JsonPath rotated =
        rotate(room, "retailer", oldKey.substring(0, 12), Map.of("graceSeconds", 0))
            .then()
            .statusCode(201)
            .extract()
            .jsonPath();
    as(Api.OPERATOR_KEY)
        .delete(room.path() + "/members/retailer/keys/" + issuedKey.substring(0, 12))
        .then()
        .statusCode(200);

    List<Map<String, Object>> issuedEvents = room.auditEvents("API_KEY_ISSUED");
    assertEquals(1, issuedEvents.size());
    assertEquals("retailer", issuedEvents.get(0).get("actor"));
    assertTrue(
        ((String) issuedEvents.get(0).get("detail"))
            .startsWith("member=retailer prefix=" + issuedKey.substring(0, 12) + " expiresAt="));
    Map<String, Object> rotation = room.auditEvents("API_KEY_ROTATED").get(0);
    assertEquals("retailer", rotation.get("actor"));
    assertTrue(
        ((String) rotation.get("detail"))
            .contains(" previous=" + oldKey.substring(0, 12) + " previousExpiresAt="),
        (String) rotation.get("detail"));
    assertTrue(((String) rotation.get("detail")).contains(rotated.getString("key.prefix")));
    Map<String, Object> revocation = room.auditEvents("API_KEY_REVOKED").get(0);
    assertEquals("operator", revocation.get("actor"));
    assertEquals("member=retailer prefix=" + issuedKey.substring(0, 12), revocation.get("detail"));
    String log = room.as("privacy").get(room.path() + "/audit?limit=1000").asString();
    for (String secret : List.of(oldKey, issuedKey, rotated.getString("key.apiKey"))) {
      assertFalse(log.contains(secret), "the audit log never holds a key");
      assertFalse(log.contains(ApiKeys.hash(secret)), "the audit log never holds a key's hash");
    }
    room.as("privacy")
        .get(room.path() + "/audit/verify")
        .then()
        .statusCode(200)
        .body("valid", equalTo(true));
  }

  @Test
  @SuppressWarnings("unchecked")
  void openApi_documentsEveryKeyOperationAndItsRefusals() {
    Map<String, Object> paths =
        given()
            .get("/q/openapi?format=json")
            .then()
            .statusCode(200)
            .extract()
            .jsonPath()
            .getMap("paths");
    String keys = "/api/v1/collaborations/{collaboration}/members/{member}/keys";
    Map<String, Object> list = (Map<String, Object>) paths.get(keys);
    Map<String, Object> rotate = (Map<String, Object>) paths.get(keys + "/{prefix}/rotate");
    Map<String, Object> revoke = (Map<String, Object>) paths.get(keys + "/{prefix}");
    Map<String, Object> masterKey =
        (Map<String, Object>) paths.get("/api/v1/admin/master-key/rotation");

    assertEquals(
        List.of("201", "400", "401", "403", "404", "422", "500"), responses(list.get("post")));
    assertEquals(List.of("200", "401", "403", "404", "500"), responses(list.get("get")));
    assertEquals(
        List.of("201", "400", "401", "403", "404", "409", "422", "500"),
        responses(rotate.get("post")));
    assertEquals(
        List.of("200", "400", "401", "403", "404", "409", "500"), responses(revoke.get("delete")));
    assertEquals(List.of("200", "401", "403", "500"), responses(masterKey.get("get")));
    assertEquals(List.of("200", "401", "403", "409", "500"), responses(masterKey.get("post")));
    assertEquals(
        "Revoke a key at once", ((Map<String, Object>) revoke.get("delete")).get("summary"));
  }

  @SuppressWarnings("unchecked")
  private static List<String> responses(Object operation) {
    return ((Map<String, Object>) ((Map<String, Object>) operation).get("responses"))
        .keySet().stream().sorted().toList();
  }

  private static Response issue(Collaboration room, String member, Map<String, ?> body) {
    return room.as(member)
        .contentType(ContentType.JSON)
        .body(body)
        .post(room.path() + "/members/" + member + "/keys");
  }

  private static Response keys(Collaboration room, String caller, String member) {
    return room.as(caller).get(room.path() + "/members/" + member + "/keys");
  }

  private static Response rotate(
      Collaboration room, String member, String prefix, Map<String, ?> body) {
    return rotate(room.as(member), room, member, prefix, body);
  }

  private static Response rotate(
      io.restassured.specification.RequestSpecification request,
      Collaboration room,
      String member,
      String prefix,
      Map<String, ?> body) {
    return request
        .contentType(ContentType.JSON)
        .body(body)
        .post(room.path() + "/members/" + member + "/keys/" + prefix + "/rotate");
  }

  private static void forbidden(Response response, String detail) {
    problem(response, 403, detail);
  }

  private static void problem(Response response, int status, String detail) {
    var then = response.then().statusCode(status).contentType("application/problem+json");
    if (detail != null) {
      then.body("detail", equalTo(detail));
    }
  }

  /** A refused key answers exactly as a key that never existed: status, headers and body. */
  private static void assertRefusedLikeUnknown(String key) {
    Response refused = Api.as(key).get("/api/v1/collaborations/anything");
    Response unknown = Api.as(ApiKeys.newKey()).get("/api/v1/collaborations/anything");
    refused.then().statusCode(401).body("type", equalTo(UNAUTHENTICATED));
    assertEquals(unknown.statusCode(), refused.statusCode());
    assertEquals(unknown.body().asString(), refused.body().asString());
    assertEquals(unknown.header("WWW-Authenticate"), refused.header("WWW-Authenticate"));
    assertEquals(unknown.contentType(), refused.contentType());
    given()
        .header("Authorization", "Bearer " + key)
        .get("/api/v1/collaborations/anything/budget")
        .then()
        .statusCode(401);
  }
}
