package dev.cleanroom.querypolicy.analysis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class PerPersonQueryTest {
  @Test
  void debug() {
    AnalysisResult result =
        new QueryAnalyzer()
            .analyze(
                "SELECT LEAST(n, 5) AS frequency, COUNT(*) AS people FROM (SELECT email_hash,"
                    + " COUNT(*) AS n FROM advertiser.impressions GROUP BY email_hash) AS p GROUP"
                    + " BY LEAST(n, 5)",
                TestCatalog.context());
    System.err.println("RESULT " + result);
    assertEquals(List.of(), List.of());
  }
}
