package dev.cleanroom.server.audit;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;

/**
 * What a caller asks the audit log to record; the log adds position, time and hashes.
 *
 * @param detail identifiers only (versions, error codes, counts), never a value from a request
 */
public record AuditEntry(
    String actor,
    String action,
    List<String> datasets,
    String detail,
    BigDecimal epsilon,
    String outcome) {

  public AuditEntry {
    requireNonNull(actor, "actor is null");
    requireNonNull(action, "action is null");
    datasets = List.copyOf(datasets);
    requireNonNull(detail, "detail is null");
    requireNonNull(outcome, "outcome is null");
  }

  public static AuditEntry success(
      String actor, String action, List<String> datasets, String detail) {
    return new AuditEntry(actor, action, datasets, detail, null, "SUCCESS");
  }
}
