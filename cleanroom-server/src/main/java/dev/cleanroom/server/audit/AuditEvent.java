package dev.cleanroom.server.audit;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;

/**
 * One entry of a collaboration's audit log. It names who did what to which datasets and versions,
 * the epsilon spent and the outcome; never SQL text or a cell value.
 *
 * @param position 1 for the first event of the collaboration, then consecutive
 * @param datasets the datasets involved, as named in SQL ({@code member.dataset})
 * @param detail identifiers only: versions, error codes, counts
 * @param epsilon the epsilon charged, or {@code null} when nothing was charged
 */
public record AuditEvent(
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

  public AuditEvent {
    requireNonNull(time, "time is null");
    requireNonNull(actor, "actor is null");
    requireNonNull(action, "action is null");
    datasets = List.copyOf(datasets);
    requireNonNull(detail, "detail is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(previousHash, "previousHash is null");
    requireNonNull(hash, "hash is null");
  }
}
