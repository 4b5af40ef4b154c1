package dev.cleanroom.server.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Released answers kept per analyst, keyed by the canonical private plan and the data and policy
 * versions it read. Asking again returns the same noise instead of fresh noise, so repeating a
 * query neither costs budget nor lets the analyst average the noise away. Never shared between
 * analysts: one analyst's cached answer would tell another what it asked; the dataset budget all
 * analysts share bounds what their separately noised answers reveal together.
 */
@ApplicationScoped
public class CachedAnswers {
  private final Jdbc jdbc;
  private final ObjectMapper json;

  @Inject
  public CachedAnswers(Jdbc jdbc, ObjectMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** The cache key: a hash over the canonical plan and every version it depends on. */
  public static String key(
      String canonicalPlan,
      Map<String, Integer> dataVersions,
      Map<String, Integer> policyVersions) {
    StringBuilder text = new StringBuilder(canonicalPlan).append('\u0000');
    new TreeMap<>(dataVersions)
        .forEach((t, v) -> text.append("data:").append(t).append('=').append(v).append(';'));
    new TreeMap<>(policyVersions)
        .forEach((t, v) -> text.append("policy:").append(t).append('=').append(v).append(';'));
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(text.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  public Optional<Answer> find(long collaborationId, long analystId, String key) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select answer_json from cached_answer where collaboration_id = ?"
                      + " and analyst_member_id = ? and cache_key = ?")) {
            statement.setLong(1, collaborationId);
            statement.setLong(2, analystId);
            statement.setString(3, key);
            try (ResultSet row = statement.executeQuery()) {
              return row.next() ? Optional.of(read(row.getString(1))) : Optional.empty();
            }
          }
        });
  }

  /** Stores an answer; a concurrent identical query that stored first wins. */
  public void store(long collaborationId, long analystId, String key, Answer answer) {
    String document = write(answer);
    jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "insert into cached_answer"
                      + " (collaboration_id, analyst_member_id, cache_key, answer_json)"
                      + " values (?, ?, ?, ?) on conflict do nothing")) {
            statement.setLong(1, collaborationId);
            statement.setLong(2, analystId);
            statement.setString(3, key);
            statement.setString(4, document);
            statement.executeUpdate();
          }
          return null;
        });
  }

  private String write(Answer answer) {
    try {
      return json.writeValueAsString(answer);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise an answer", e);
    }
  }

  private Answer read(String document) {
    try {
      return json.readValue(document, Answer.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a cached answer is unreadable", e);
    }
  }
}
