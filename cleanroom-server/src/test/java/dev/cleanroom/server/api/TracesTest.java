package dev.cleanroom.server.api;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * With tracing turned on, every request becomes a span, and no span carries the path as sent: an
 * erasure request names a person's unit value in its path.
 */
@QuarkusTest
@TestProfile(TracesTest.TracingOn.class)
class TracesTest {
  private static final String UNIT_VALUE = "person-7f3a9c";

  /** The SDK on; spans go to {@link RecordedSpans} (and to an OTLP endpoint nobody serves). */
  public static class TracingOn implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of(
          "quarkus.otel.sdk.disabled", "false",
          "quarkus.otel.exporter.otlp.traces.endpoint", "http://127.0.0.1:9");
    }
  }

  @Inject RecordedSpans recorded;

  @Test
  void erasureRequest_isTraced_withoutTheUnitValue() throws InterruptedException {
    given()
        .header("Authorization", "Bearer not-a-key")
        .delete("/api/v1/collaborations/somewhere/datasets/customers/units/" + UNIT_VALUE)
        .then()
        .statusCode(401);

    SpanData span = awaitSpan("/units/").orElseThrow(() -> new AssertionError(recorded.spans()));
    assertTrue(span.getName().endsWith("/units/{value}"), span.getName());
    for (SpanData any : recorded.spans()) {
      assertFalse(any.getName().contains(UNIT_VALUE), any.getName());
      any.getAttributes()
          .forEach(
              (key, value) ->
                  assertFalse(String.valueOf(value).contains(UNIT_VALUE), key + " of " + any));
    }
  }

  private Optional<SpanData> awaitSpan(String nameContains) throws InterruptedException {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
    while (Instant.now().isBefore(deadline)) {
      List<SpanData> spans = recorded.spans();
      Optional<SpanData> found =
          spans.stream().filter(s -> s.getName().contains(nameContains)).findFirst();
      if (found.isPresent()) {
        return found;
      }
      Thread.sleep(50);
    }
    return Optional.empty();
  }
}
