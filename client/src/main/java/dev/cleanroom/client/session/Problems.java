package dev.cleanroom.client.session;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;

/** Turns a refusal's problem+json body into the lines printed on stderr. */
final class Problems {
  private Problems() {}

  /**
   * {@code 422 Query violates the policy: <detail>}, then one line per violation; a body that is
   * not a problem document gives the status alone.
   */
  static String describe(int status, byte[] body) {
    StringBuilder text = new StringBuilder().append(status);
    JsonNode problem;
    try {
      problem = body.length == 0 ? null : ServerApi.JSON.readTree(body);
    } catch (IOException e) {
      problem = null;
    }
    if (problem == null || !problem.isObject()) {
      return text.append(status >= 500 ? " server error" : " refused").toString();
    }
    appendText(text, " ", problem.get("title"));
    appendText(text, ": ", problem.get("detail"));
    if (problem.hasNonNull("code")) {
      text.append(" [").append(problem.get("code").asText()).append(']');
    }
    JsonNode violations = problem.get("violations");
    if (violations != null && violations.isArray()) {
      for (JsonNode violation : violations) {
        text.append(System.lineSeparator()).append("  ");
        appendText(text, "", violation.get("code"));
        if (violation.hasNonNull("line")) {
          text.append(" at line ").append(violation.get("line").asText());
          if (violation.hasNonNull("column_number")) {
            text.append(", column ").append(violation.get("column_number").asText());
          }
        }
        appendText(text, ": ", violation.get("message"));
      }
    }
    return text.toString();
  }

  private static void appendText(StringBuilder text, String separator, JsonNode node) {
    if (node != null && !node.isNull()) {
      text.append(separator).append(node.asText());
    }
  }
}
