package dev.cleanroom.server.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.cleanroom.server.problem.ServerErrorCode;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document the server generates ({@code /q/openapi}) against the REST resources it
 * really has: the same operations, each described, each error answered as problem+json.
 */
@QuarkusTest
class OpenApiDocumentTest {
  private static final Map<Class<? extends Annotation>, String> VERBS =
      Map.of(GET.class, "get", POST.class, "post", PUT.class, "put", DELETE.class, "delete");

  private JsonNode document;

  // Not @BeforeAll: REST Assured points at the test server only once Quarkus has started.
  @BeforeEach
  void fetch() throws IOException {
    String json =
        given()
            .queryParam("format", "JSON")
            .get("/q/openapi")
            .then()
            .statusCode(200)
            .extract()
            .asString();
    document = new ObjectMapper().readTree(json);
  }

  @Test
  void documentedOperations_areExactlyTheResourceMethods() {
    Set<String> implemented = implementedOperations();
    Set<String> documented = new TreeSet<>();
    operations((name, operation) -> documented.add(name));
    assertTrue(implemented.contains("post /api/v1/collaborations/{}/queries"), "the scan works");
    assertEquals(implemented, documented);
  }

  @Test
  void everyOperation_isSummarisedTaggedAndAnswersItsErrorsAsProblems() {
    operations(
        (name, operation) -> {
          assertFalse(operation.path("summary").asText().isBlank(), name + " has no summary");
          assertFalse(operation.path("tags").isEmpty(), name + " has no tag");
          JsonNode responses = operation.path("responses");
          assertTrue(responses.has("401"), name + " does not say it needs a key");
          Iterator<String> codes = responses.fieldNames();
          while (codes.hasNext()) {
            String code = codes.next();
            if (code.startsWith("4") || code.startsWith("5")) {
              assertEquals(
                  "#/components/schemas/Problem",
                  responses
                      .path(code)
                      .at("/content/application~1problem+json/schema/$ref")
                      .asText(),
                  name + " " + code);
            }
          }
        });
  }

  @Test
  void problemSchema_namesEveryCode_andEveryCallNeedsTheBearerKey() {
    JsonNode problem = document.at("/components/schemas/Problem");
    Set<String> codes = new HashSet<>();
    problem.at("/properties/code/enum").forEach(code -> codes.add(code.asText()));
    for (ServerErrorCode code : ServerErrorCode.values()) {
      assertTrue(codes.contains(code.name()), code.name());
    }
    assertTrue(codes.contains("BUDGET_EXHAUSTED"), "the policy's codes are listed too");
    assertEquals("bearer", document.at("/components/securitySchemes/bearer/scheme").asText());
    assertTrue(document.at("/security/0").has("bearer"));
    assertTrue(
        document.at("/components/schemas/QueryRequest/examples/0/sql").asText().contains("SELECT"),
        "the query body has an example");
  }

  /** Every operation of the document, named {@code "<verb> <path with {} for parameters>"}. */
  private void operations(BiConsumer<String, JsonNode> visitor) {
    document
        .path("paths")
        .fields()
        .forEachRemaining(
            path ->
                path.getValue()
                    .fields()
                    .forEachRemaining(
                        verb -> {
                          if (VERBS.containsValue(verb.getKey())) {
                            visitor.accept(
                                verb.getKey() + " " + normalise(path.getKey()), verb.getValue());
                          }
                        }));
  }

  private static Set<String> implementedOperations() {
    Set<String> operations = new TreeSet<>();
    for (JavaClass javaClass :
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cleanroom.server")) {
      if (!javaClass.isAnnotatedWith(Path.class)) {
        continue;
      }
      Class<?> type = javaClass.reflect();
      String base = type.getAnnotation(Path.class).value();
      for (Method method : type.getMethods()) {
        for (Map.Entry<Class<? extends Annotation>, String> verb : VERBS.entrySet()) {
          if (method.isAnnotationPresent(verb.getKey())) {
            Path sub = method.getAnnotation(Path.class);
            operations.add(
                verb.getValue() + " " + normalise(join(base, sub == null ? "" : sub.value())));
          }
        }
      }
    }
    return operations;
  }

  private static String join(String base, String sub) {
    String joined = ("/" + base + "/" + sub).replaceAll("/+", "/");
    return joined.length() > 1 && joined.endsWith("/")
        ? joined.substring(0, joined.length() - 1)
        : joined;
  }

  private static String normalise(String path) {
    return path.replaceAll("\\{[^}]+}", "{}");
  }
}
