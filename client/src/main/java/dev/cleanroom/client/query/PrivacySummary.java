package dev.cleanroom.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.client.session.JsonText;
import java.io.PrintStream;

/** The privacy report of an answer, as the lines printed under it. */
final class PrivacySummary {
  private PrivacySummary() {}

  static void print(JsonNode privacy, PrintStream out) {
    if (privacy == null || privacy.isMissingNode() || privacy.isNull()) {
      return;
    }
    boolean cached = privacy.path("cached").asBoolean(false);
    out.println(
        "epsilon charged:   "
            + JsonText.of(privacy.get("epsilonSpent"))
            + (cached ? " (the same answer as before, returned again at no cost)" : ""));
    if (privacy.hasNonNull("epsilonRemaining")) {
      out.println("epsilon left:      " + JsonText.of(privacy.get("epsilonRemaining")));
    }
    if (privacy.hasNonNull("purpose")) {
      out.println("purpose:           " + privacy.get("purpose").asText());
    }
    if (privacy.hasNonNull("minimumDistinctUnits")) {
      out.println(
          "released groups:   each with at least "
              + privacy.get("minimumDistinctUnits").asText()
              + " distinct people");
    }
    if (privacy.hasNonNull("suppressedGroups")) {
      out.println(
          "groups suppressed: "
              + privacy.get("suppressedGroups").asText()
              + " (a noised count, so it may be non-zero when none was)");
    }
    JsonNode noise = privacy.path("noise");
    for (JsonNode column : noise) {
      out.println(
          "noise on "
              + column.path("column").asText()
              + ": "
              + column.path("mechanism").asText()
              + ", scale "
              + JsonText.of(column.get("scale"))
              + ", 95% within +/-"
              + JsonText.of(column.get("ci95")));
    }
    for (JsonNode derived : privacy.path("derived")) {
      out.println(
          "derived "
              + derived.path("column").asText()
              + " = "
              + derived.path("expression").asText()
              + ": computed after noise from the parts above, at no extra epsilon");
    }
  }
}
