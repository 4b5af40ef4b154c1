package dev.cleanroom.server.template;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The placeholder scan knows SQL's lexical structure; binding writes literals, nothing else. */
class TemplateSqlTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<String> names(String sql) {
    return TemplateSql.of(sql).placeholders().stream().map(TemplateSql.Placeholder::name).toList();
  }

  @Test
  void placeholdersAreFoundOutsideStringsQuotedNamesCommentsAndCasts() {
    assertEquals(
        List.of("campaign", "since_2"),
        names(
            "SELECT ':not_one', \":nor_this\" FROM t -- :comment\n"
                + "WHERE c = :campaign /* :block\n:comment */ AND ts >= :since_2"
                + " AND x::INTEGER = 1"));
    // A doubled quote stays inside its string; the placeholder after it is found.
    assertEquals(List.of("v"), names("SELECT 'it''s :x' FROM t WHERE a = :v"));
    // The same name twice is two places to bind.
    assertEquals(List.of("a", "a"), names("SELECT 1 FROM t WHERE x = :a OR y = :a"));
    // Upper case, a digit or nothing after the colon is no placeholder.
    assertEquals(List.of(), names("SELECT 1 FROM t WHERE x = :A OR y = :1 OR z = ':'"));
    // An unterminated string or comment hides the rest, rather than exposing it.
    assertEquals(List.of(), names("SELECT 'open :x"));
    assertEquals(List.of(), names("SELECT 1 /* open :x"));
  }

  @Test
  void bindingReplacesEachPlaceholderWithItsLiteralAndNothingElse() {
    TemplateSql sql = TemplateSql.of("SELECT ':a' FROM t WHERE a = :a AND b IN (:b) -- :a");
    assertEquals(
        "SELECT ':a' FROM t WHERE a = 'x' AND b IN (1, 2) -- :a",
        sql.bind(Map.of("a", "'x'", "b", "1, 2")));
    assertThrows(IllegalStateException.class, () -> sql.bind(Map.of("a", "'x'")));
  }

  @Test
  void aValueWithQuotesAndSqlBindsAsOneStringLiteral() throws Exception {
    JsonNode hostile = JSON.readTree("\"c1' OR 1=1 --\"");
    String literal = TemplateParameter.Type.STRING.literal("campaign", hostile);
    assertEquals("'c1'' OR 1=1 --'", literal);
    String bound =
        TemplateSql.of("SELECT COUNT(*) FROM t WHERE campaign_id = :campaign AND 1 = 1")
            .bind(Map.of("campaign", literal));
    assertEquals("SELECT COUNT(*) FROM t WHERE campaign_id = 'c1'' OR 1=1 --' AND 1 = 1", bound);
    // Scanning the bound SQL again finds the value inside one string: no placeholder, no comment.
    assertEquals(List.of(), TemplateSql.of(bound).placeholders());
  }

  @Test
  void everyTypeRendersItsLiteralFromTheParsedValue_andRefusesOthers() throws Exception {
    assertEquals("7", literal(TemplateParameter.Type.INTEGER, "7"));
    assertEquals("12.5", literal(TemplateParameter.Type.DECIMAL, "12.50"));
    assertEquals("DATE '2026-02-01'", literal(TemplateParameter.Type.DATE, "\"2026-02-01\""));
    assertEquals(
        "TIMESTAMP '2026-02-01 10:30:00'",
        literal(TemplateParameter.Type.TIMESTAMP, "\"2026-02-01T10:30:00\""));
    assertEquals("TRUE", literal(TemplateParameter.Type.BOOLEAN, "true"));
    assertEquals("1.5, 2", literal(TemplateParameter.Type.DECIMAL_LIST, "[1.5, 2]"));
    assertEquals(
        "TIMESTAMP '2026-02-01 00:00:00', TIMESTAMP '2026-03-01 12:00:00'",
        literal(
            TemplateParameter.Type.TIMESTAMP_LIST,
            "[\"2026-02-01 00:00:00\", \"2026-03-01 12:00:00\"]"));
    assertEquals("TRUE, FALSE", literal(TemplateParameter.Type.BOOLEAN_LIST, "[true, false]"));
    for (String[] refused :
        new String[][] {
          {"INTEGER", "\"7\""},
          {"INTEGER", "7.5"},
          {"DECIMAL", "1e999999999"},
          {"DECIMAL", "1e60"},
          {"DATE", "\"2026-2-1\""},
          {"BOOLEAN", "\"true\""},
          {"BOOLEAN_LIST", "[]"},
          {"DECIMAL_LIST", "[1, \"2\"]"},
          {"TIMESTAMP", "\"tomorrow\""}
        }) {
      TemplateParameter.Type type = TemplateParameter.Type.valueOf(refused[0]);
      dev.cleanroom.server.problem.ServerException e =
          assertThrows(
              dev.cleanroom.server.problem.ServerException.class,
              () -> literal(type, refused[1]),
              refused[0] + " " + refused[1]);
      assertEquals(dev.cleanroom.server.problem.ServerErrorCode.TEMPLATE_PARAMETER_TYPE, e.code());
      assertTrue(e.getMessage().startsWith("parameter 'p' must be"), e.getMessage());
    }
  }

  private static String literal(TemplateParameter.Type type, String json) throws Exception {
    return type.literal("p", JSON.readTree(json));
  }
}
