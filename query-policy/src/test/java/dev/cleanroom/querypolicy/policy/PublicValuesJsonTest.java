package dev.cleanroom.querypolicy.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A DIMENSION column's published values: read, validated at their JSON path, written back. */
class PublicValuesJsonTest {

  private static String policy(String columns) {
    return """
        {"table": "advertiser.impressions",
         "columns": [{"name": "person", "type": "BIGINT", "class": "PRIVACY_UNIT"}, %s],
         "privacy": {"epsilonPerQuery": 0.5, "delta": 1e-6, "maxGroupsContributed": 2, "budget": 5},
         "allowedAnalysts": []}
        """
        .formatted(columns);
  }

  private static List<String> problems(String column) {
    return PolicyJson.problems(policy(column)).stream().map(PolicyJson.Problem::toString).toList();
  }

  @Test
  void publishedValues_areReadInOrderAndWrittenBack() {
    DatasetPolicy read =
        PolicyJson.read(
            policy(
                """
                {"name": "campaign_id", "type": "VARCHAR", "class": "DIMENSION",
                 "publicValues": ["c2", "c1"]},
                {"name": "store", "type": "BIGINT", "class": "DIMENSION", "publicValues": [7, 3]}
                """));
    assertEquals(List.of("c2", "c1"), read.columns().get(1).publicValues());
    assertEquals(List.of(7L, 3L), read.columns().get(2).publicValues());
    String written = PolicyJson.write(read);
    assertTrue(written.contains("\"publicValues\""), written);
    assertEquals(read, PolicyJson.read(written));
  }

  @Test
  void valuesOfTheWrongType_areAProblemAtTheirPath() {
    assertEquals(
        List.of(
            "$.columns[1].publicValues: published value 1 of column 'campaign_id' must be a string"
                + " for its type VARCHAR"),
        problems(
            "{\"name\": \"campaign_id\", \"type\": \"VARCHAR\", \"class\": \"DIMENSION\","
                + " \"publicValues\": [\"c1\", 2]}"));
    assertEquals(
        List.of("$.columns[1].publicValues[0]: must be a string or a whole number"),
        problems(
            "{\"name\": \"store\", \"type\": \"BIGINT\", \"class\": \"DIMENSION\","
                + " \"publicValues\": [1.5]}"));
  }

  @Test
  void repeatedValue_isAProblemWithoutQuotingIt() {
    List<String> problems =
        problems(
            "{\"name\": \"campaign_id\", \"type\": \"VARCHAR\", \"class\": \"DIMENSION\","
                + " \"publicValues\": [\"secret-a\", \"secret-a\"]}");
    assertEquals(
        List.of(
            "$.columns[1].publicValues: published value 1 of column 'campaign_id' repeats an"
                + " earlier one"),
        problems);
  }

  @Test
  void valuesOnANonDimensionOrAnUnsupportedType_areProblems() {
    assertEquals(
        List.of(
            "$.columns[1].publicValues: column 'email_hash' is JOIN_KEY: only a DIMENSION"
                + " publishes values"),
        problems(
            "{\"name\": \"email_hash\", \"type\": \"VARCHAR\", \"class\": \"JOIN_KEY\","
                + " \"publicValues\": [\"x\"]}"));
    assertEquals(
        List.of(
            "$.columns[1].publicValues: column 'ts' has type TIMESTAMP: published values are for"
                + " VARCHAR, BIGINT and INTEGER columns"),
        problems(
            "{\"name\": \"ts\", \"type\": \"TIMESTAMP\", \"class\": \"DIMENSION\","
                + " \"publicValues\": [\"2026-01-01\"]}"));
  }

  @Test
  void moreThanTheMaximum_isAProblem() {
    StringBuilder values = new StringBuilder("0");
    for (int i = 1; i <= ColumnPolicy.MAX_PUBLIC_VALUES; i++) {
      values.append(", ").append(i);
    }
    assertEquals(
        List.of(
            "$.columns[1].publicValues: column 'store' publishes 1001 values; at most 1000 are"
                + " allowed"),
        problems(
            "{\"name\": \"store\", \"type\": \"INTEGER\", \"class\": \"DIMENSION\","
                + " \"publicValues\": ["
                + values
                + "]}"));
  }

  @Test
  void notAnArray_isAProblem() {
    assertEquals(
        List.of("$.columns[1].publicValues: published values are an array of strings or numbers"),
        problems(
            "{\"name\": \"campaign_id\", \"type\": \"VARCHAR\", \"class\": \"DIMENSION\","
                + " \"publicValues\": \"c1\"}"));
  }
}
