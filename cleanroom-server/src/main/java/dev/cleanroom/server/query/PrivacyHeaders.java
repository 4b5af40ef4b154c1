package dev.cleanroom.server.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.ws.rs.core.MultivaluedMap;

/**
 * The privacy report of an answer as response headers, for formats without room for it; the per-row
 * intervals of derived outputs stay in the JSON answer, so a header does not grow with the rows.
 */
final class PrivacyHeaders {
  private PrivacyHeaders() {}

  static void add(Answer answer, MultivaluedMap<String, Object> headers, ObjectMapper json) {
    headers.putSingle("Cleanroom-Query-Id", answer.queryId());
    headers.putSingle("Cleanroom-Epsilon-Spent", answer.privacy().epsilonSpent().toPlainString());
    if (answer.privacy().epsilonRemaining() != null) {
      headers.putSingle(
          "Cleanroom-Epsilon-Remaining", answer.privacy().epsilonRemaining().toPlainString());
    }
    if (answer.privacy().suppressedGroups() != null) {
      headers.putSingle("Cleanroom-Suppressed-Groups", answer.privacy().suppressedGroups());
    }
    if (answer.privacy().releaseRule() != null) {
      headers.putSingle("Cleanroom-Release-Rule", answer.privacy().releaseRule());
    }
    headers.putSingle("Cleanroom-Cached", answer.privacy().cached());
    if (answer.privacy().mechanism() != null) {
      headers.putSingle("Cleanroom-Mechanism", answer.privacy().mechanism().name());
    }
    if (answer.privacy().purpose() != null) {
      headers.putSingle("Cleanroom-Purpose", answer.privacy().purpose());
    }
    if (answer.privacy().engine() != null) {
      headers.putSingle("Cleanroom-Engine", answer.privacy().engine());
    }
    try {
      headers.putSingle(
          "Cleanroom-Privacy", json.writeValueAsString(answer.privacy().withoutRowIntervals()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a privacy report", e);
    }
  }
}
