package dev.cleanroom.client.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PrivacySummaryTest {

  @Test
  void derivedMetric_isPrintedWithTheNoisedPartsItIsComputedFrom() throws Exception {
    String report =
        """
        {"epsilonSpent": 0.5, "epsilonRemaining": 9.5, "minimumDistinctUnits": 50,
         "suppressedGroups": 0, "cached": false,
         "noise": [{"column": "COUNT(*)", "mechanism": "discrete-laplace", "scale": 4, "ci95": 12}],
         "derived": [{"column": "per_person", "expression": "(COUNT(*) / reach)",
                      "parts": [], "method": "interval arithmetic", "intervals": [[1, 2]]}]}
        """;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    PrivacySummary.print(new ObjectMapper().readTree(report), out);

    assertEquals(
        """
        epsilon charged:   0.5
        epsilon left:      9.5
        released groups:   each with at least 50 distinct people
        groups suppressed: 0 (a noised count, so it may be non-zero when none was)
        noise on COUNT(*): discrete-laplace, scale 4, 95% within +/-12
        derived per_person = (COUNT(*) / reach): computed after noise from the parts above, at\
         no extra epsilon
        """,
        bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
  }
}
