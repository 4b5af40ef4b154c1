package dev.cleanroom.server.template;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.query.QueryStoryTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Approved query templates through the real server (issue #18, part 1): proposed and checked as a
 * query, approved by a privacy officer, run with typed values bound as literals at the template's
 * epsilon, answered to its result receivers, versioned, and the only way into a dataset whose
 * policy says so. Every refusal has its stable code and moves no budget.
 */
@QuarkusTest
class TemplateApiTest {
  private static final String REACH_SINCE =
      "SELECT COUNT(DISTINCT c.customer_id) AS reach FROM advertiser.impressions i"
          + " JOIN retailer.customers c ON i.email_hash = c.email_hash"
          + " WHERE i.campaign_id = :campaign AND i.ts >= :since";

  private static final List<Map<String, String>> PARAMETERS =
      List.of(
          Map.of("name", "campaign", "type", "STRING"), Map.of("name", "since", "type", "DATE"));

  private static Map<String, Object> template(String name, String sql, List<?> parameters) {
    Map<String, Object> body = new HashMap<>();
    body.put("name", name);
    body.put("description", "Reach of a campaign since a date");
    body.put("sql", sql);
    body.put("parameters", parameters);
    body.put("epsilonPerRun", 0.25);
    return body;
  }

  private static ValidatableResponse propose(Collaboration room, Map<String, Object> body) {
    return room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(body)
        .post(room.path() + "/templates")
        .then();
  }

  private static ValidatableResponse approve(Collaboration room, String name, int version) {
    return room.as("privacy")
        .post(room.path() + "/templates/" + name + "/versions/" + version + "/approve")
        .then();
  }

  private static ValidatableResponse run(
      Collaboration room, String member, String name, Map<String, Object> parameters) {
    return room.as(member)
        .contentType(ContentType.JSON)
        .body(Map.of("parameters", parameters))
        .post(room.path() + "/templates/" + name + "/runs")
        .then();
  }

  private static Map<String, Object> values(Object campaign, Object since) {
    Map<String, Object> values = new HashMap<>();
    values.put("campaign", campaign);
    values.put("since", since);
    return values;
  }

  @Test
  void proposedApprovedAndRun_atTheTemplatesEpsilon_refusalsSpendNothing() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    propose(room, template("reach_since", REACH_SINCE, PARAMETERS))
        .statusCode(201)
        .body("version", equalTo(1))
        .body("status", equalTo("DRAFT"))
        .body("datasets", equalTo(List.of("advertiser.impressions", "retailer.customers")))
        .body("resultReceivers", equalTo(List.of("advertiser")));

    run(room, "advertiser", "reach_since", values("c1", "2026-01-01"))
        .statusCode(409)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/template-not-approved"));
    QueryStoryTest.budgetOfCustomers(room, "0");

    room.as("advertiser")
        .post(room.path() + "/templates/reach_since/versions/1/approve")
        .then()
        .statusCode(403);
    approve(room, "reach_since", 1)
        .statusCode(200)
        .body("status", equalTo("APPROVED"))
        .body("approvals.dataset", equalTo(List.of("advertiser.impressions", "retailer.customers")))
        .body("approvals.approver", equalTo(List.of("privacy", "privacy")));

    // Wrong type, missing and unknown parameters: refused before anything is charged.
    run(room, "advertiser", "reach_since", values("c1", 20260101))
        .statusCode(422)
        .body("type", equalTo("https://cleanroom.dev/problems/template-parameter-type"))
        .body("detail", equalTo("parameter 'since' must be a date written YYYY-MM-DD"));
    run(room, "advertiser", "reach_since", values(List.of("c1"), "2026-01-01"))
        .statusCode(422)
        .body("type", equalTo("https://cleanroom.dev/problems/template-parameter-type"));
    run(room, "advertiser", "reach_since", Map.of("campaign", "c1"))
        .statusCode(422)
        .body("type", equalTo("https://cleanroom.dev/problems/template-parameter-missing"))
        .body("detail", equalTo("parameter 'since' has no value"));
    Map<String, Object> extra = values("c1", "2026-01-01");
    extra.put("table", "retailer.customers");
    run(room, "advertiser", "reach_since", extra)
        .statusCode(422)
        .body("type", equalTo("https://cleanroom.dev/problems/template-parameter-missing"));
    QueryStoryTest.budgetOfCustomers(room, "0");

    run(room, "advertiser", "reach_since", values("c1", "2026-01-01"))
        .statusCode(200)
        .body("version", equalTo(1))
        .body("epsilonSpent", equalTo(0.25f))
        .body("answer.columns.name", equalTo(List.of("reach")))
        .body("answer.privacy.epsilonSpent", equalTo(0.25f));
    QueryStoryTest.budgetOfCustomers(room, "0.25");

    // SQL in a value stays one string literal: a campaign of that name, which has no rows.
    run(room, "advertiser", "reach_since", values("c1' OR 1=1 --", "2026-01-01"))
        .statusCode(200)
        .body("answer.columns.name", equalTo(List.of("reach")));

    room.as("privacy")
        .get(room.path() + "/audit?limit=1000")
        .then()
        .statusCode(200)
        .body("events.action", hasItem("TEMPLATE_PROPOSED"))
        .body("events.action", hasItem("TEMPLATE_APPROVED"))
        .body("events.action", hasItem("TEMPLATE_RUN"));
  }

  @Test
  void aTemplatesOwnBudgetLine_boundsAllItsRunsOfEveryVersion_beforeTheDatasetsDo() {
    Collaboration room =
        QueryStoryTest.loadedRoom(
            Api.newCollaborationWithAnalysts("agency"),
            policy ->
                policy.replace(
                    "\"allowedAnalysts\": [\"advertiser\"]",
                    "\"allowedAnalysts\": [\"advertiser\", \"agency\"]"));
    Map<String, Object> body = template("reach_since", REACH_SINCE, PARAMETERS);
    body.put("budget", 0.5);
    propose(room, body).statusCode(201).body("budget", equalTo(0.5f));
    approve(room, "reach_since", 1).statusCode(200);

    run(room, "advertiser", "reach_since", values("c1", "2026-01-01")).statusCode(200);
    // Another analyst's run draws on the same line (202: the answer goes to the receiver).
    run(room, "agency", "reach_since", values("c2", "2026-01-01")).statusCode(202);
    QueryStoryTest.budgetOfCustomers(room, "0.25");
    // The line is spent: refused whoever runs it, and no dataset budget moves.
    run(room, "advertiser", "reach_since", values("c3", "2026-01-01"))
        .statusCode(429)
        .contentType("application/problem+json")
        .body("type", equalTo("https://cleanroom.dev/problems/budget-exhausted"))
        .body("detail", containsString("template:reach_since"));
    QueryStoryTest.budgetOfCustomers(room, "0.25");
    // A new version with a larger line: what the earlier version spent counts against it.
    Map<String, Object> larger = template("reach_since", REACH_SINCE, PARAMETERS);
    larger.put("budget", 0.75);
    propose(room, larger).statusCode(201);
    approve(room, "reach_since", 2).statusCode(200).body("budget", equalTo(0.75f));
    run(room, "advertiser", "reach_since", values("c3", "2026-01-01"))
        .statusCode(200)
        .body("epsilonSpent", equalTo(0.25f));
    run(room, "advertiser", "reach_since", values("c4", "2026-01-01")).statusCode(429);
    // An answer already released is released again at no cost, line spent or not.
    run(room, "advertiser", "reach_since", values("c1", "2026-01-01"))
        .statusCode(200)
        .body("epsilonSpent", equalTo(0));
    QueryStoryTest.budgetOfCustomers(room, "0.5");
    // Free SQL on the same datasets is not the template's and does not draw on its line.
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(
            Map.of(
                "sql",
                "SELECT COUNT(DISTINCT c.customer_id) AS reach FROM advertiser.impressions i"
                    + " JOIN retailer.customers c ON i.email_hash = c.email_hash"))
        .post(room.path() + "/queries")
        .then()
        .statusCode(200);

    for (Object budget : List.of(0, -1, 1001)) {
      Map<String, Object> bad = template("bad_budget", REACH_SINCE, PARAMETERS);
      bad.put("budget", budget);
      propose(room, bad)
          .statusCode(422)
          .body("type", equalTo("https://cleanroom.dev/problems/invalid-input"))
          .body("detail", equalTo("'budget' must be above 0 and at most 1000"));
    }
  }

  @Test
  void templatesThatCannotBeApproved_areRefusedAtProposal() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    propose(
            room,
            template(
                "by_table",
                "SELECT COUNT(*) AS n FROM :source",
                List.of(Map.of("name", "source", "type", "STRING"))))
        .statusCode(422)
        .body("type", equalTo("https://cleanroom.dev/problems/template-parameter-position"));
    propose(room, template("undeclared", REACH_SINCE, PARAMETERS.subList(0, 1)))
        .statusCode(422)
        .body("type", equalTo("https://cleanroom.dev/problems/template-parameter-missing"))
        .body("detail", equalTo("the SQL uses :since, which 'parameters' does not declare"));
    propose(
            room,
            template(
                "emails",
                "SELECT c.email, COUNT(*) AS n FROM retailer.customers c WHERE c.zip = :zip"
                    + " GROUP BY c.email",
                List.of(Map.of("name", "zip", "type", "STRING"))))
        .statusCode(422)
        .body("type", equalTo("https://cleanroom.dev/problems/policy-violation"))
        .body("violations.code", hasItem("PII_REFERENCED"));
    // A colon inside a string literal is not a parameter.
    propose(
            room,
            template(
                "literal_colon",
                "SELECT COUNT(*) AS n FROM advertiser.impressions WHERE campaign_id <> 'a:b'",
                List.of()))
        .statusCode(201);
    room.as("advertiser")
        .get(room.path() + "/templates")
        .then()
        .statusCode(200)
        .body("name", equalTo(List.of("literal_colon")));
  }

  @Test
  void resultReceivers_getTheAnswer_theRunnerWhoIsNotOneDoesNot() {
    Collaboration room = QueryStoryTest.loadedRoom("10");
    Map<String, Object> body = template("reach_since", REACH_SINCE, PARAMETERS);
    body.put("resultReceivers", List.of("retailer"));
    propose(room, body).statusCode(201);
    approve(room, "reach_since", 1).statusCode(200);

    String runId =
        run(room, "advertiser", "reach_since", values("c2", "2026-01-01"))
            .statusCode(202)
            .body("answer", nullValue())
            .body("resultReceivers", equalTo(List.of("retailer")))
            .extract()
            .path("runId");
    room.as("retailer")
        .get(room.path() + "/templates/reach_since/runs/" + runId)
        .then()
        .statusCode(200)
        .body("answer.columns.name", equalTo(List.of("reach")))
        .body("answer.rows", notNullValue());
    room.as("advertiser")
        .get(room.path() + "/templates/reach_since/runs/" + runId)
        .then()
        .statusCode(404);
    room.as("privacy")
        .get(room.path() + "/templates/reach_since/runs/" + runId)
        .then()
        .statusCode(404);
  }

  @Test
  void templatesOnlyPolicy_refusesFreeSql_runsTheApprovedTemplate_andVersionsSupersede() {
    Collaboration room =
        QueryStoryTest.loadedRoom(
            Api.newCollaboration(),
            policy ->
                policy.replace(
                    "\"allowedAnalysts\":",
                    "\"queryMode\": \"TEMPLATES_ONLY\", \"allowedAnalysts\":"));
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", "SELECT COUNT(*) AS n FROM advertiser.impressions"))
        .post(room.path() + "/queries")
        .then()
        .statusCode(403)
        .body("type", equalTo("https://cleanroom.dev/problems/templates-only"));
    room.as("advertiser")
        .contentType(ContentType.JSON)
        .body(Map.of("sql", "SELECT COUNT(*) AS n FROM advertiser.impressions"))
        .post(room.path() + "/queries/explain")
        .then()
        .statusCode(403)
        .body("type", equalTo("https://cleanroom.dev/problems/templates-only"));
    QueryStoryTest.budgetOfCustomers(room, "0");

    propose(room, template("reach_since", REACH_SINCE, PARAMETERS)).statusCode(201);
    approve(room, "reach_since", 1).statusCode(200);
    run(room, "advertiser", "reach_since", values("c1", "2026-01-01"))
        .statusCode(200)
        .body("version", equalTo(1));

    // A second version is a draft: runs keep the approved one until it is approved.
    Map<String, Object> second = template("reach_since", REACH_SINCE, PARAMETERS);
    second.put("epsilonPerRun", 0.5);
    propose(room, second).statusCode(201).body("version", equalTo(2));
    run(room, "advertiser", "reach_since", values("c1", "2026-02-01"))
        .statusCode(200)
        .body("version", equalTo(1))
        .body("epsilonSpent", equalTo(0.25f));
    approve(room, "reach_since", 2).statusCode(200);
    run(room, "advertiser", "reach_since", values("c1", "2026-02-02"))
        .statusCode(200)
        .body("version", equalTo(2))
        .body("epsilonSpent", equalTo(0.5f));
    room.as("advertiser")
        .get(room.path() + "/templates")
        .then()
        .body("status", equalTo(List.of("APPROVED", "SUPERSEDED")));
    approve(room, "reach_since", 1).statusCode(409);
  }
}
