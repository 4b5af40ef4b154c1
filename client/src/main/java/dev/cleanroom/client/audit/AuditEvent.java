package dev.cleanroom.client.audit;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ExitStatus;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/** One audit event as the server lists it. */
record AuditEvent(
    long position,
    Instant time,
    String actor,
    String action,
    List<String> datasets,
    String detail,
    BigDecimal epsilon,
    String outcome,
    String previousHash,
    String hash) {

  AuditEvent {
    requireNonNull(time, "time is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(action, "action is null");
    datasets = List.copyOf(datasets);
    requireNonNull(detail, "detail is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(previousHash, "previousHash is null");
    requireNonNull(hash, "hash is null");
  }

  /** The hash this event must carry, recomputed from its fields. */
  String recomputedHash(long collaborationId) {
    return AuditHash.of(
        collaborationId,
        position,
        time,
        actor,
        action,
        datasets,
        detail,
        epsilon,
        outcome,
        previousHash);
  }

  static AuditEvent fromJson(JsonNode node) {
    try {
      List<String> datasets = new ArrayList<>();
      for (JsonNode dataset : node.path("datasets")) {
        datasets.add(dataset.asText());
      }
      JsonNode epsilon = node.get("epsilon");
      return new AuditEvent(
          required(node, "position").asLong(),
          instant(required(node, "time")),
          required(node, "actor").asText(),
          required(node, "action").asText(),
          datasets,
          required(node, "detail").asText(),
          epsilon == null || epsilon.isNull() ? null : decimal(epsilon),
          required(node, "outcome").asText(),
          required(node, "previousHash").asText(),
          required(node, "hash").asText());
    } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
      throw new ClientException(
          ExitStatus.UNAVAILABLE, "an audit event from the server is not in the expected form", e);
    }
  }

  /** ISO-8601 text, or (a server writing dates as numbers) decimal seconds since the epoch. */
  private static Instant instant(JsonNode node) {
    if (node.isNumber()) {
      BigDecimal seconds = node.decimalValue();
      long whole = seconds.setScale(0, RoundingMode.FLOOR).longValueExact();
      long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValueExact();
      return Instant.ofEpochSecond(whole, nanos);
    }
    return Instant.parse(node.asText());
  }

  private static BigDecimal decimal(JsonNode node) {
    return node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText());
  }

  private static JsonNode required(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      throw new ClientException(
          ExitStatus.UNAVAILABLE, "an audit event from the server has no '" + field + "'");
    }
    return value;
  }
}
