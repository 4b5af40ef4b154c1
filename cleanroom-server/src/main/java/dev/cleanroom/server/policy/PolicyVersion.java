package dev.cleanroom.server.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;

/**
 * One version of a dataset's policy.
 *
 * @param status {@code DRAFT}, {@code APPROVED} (the one in force) or {@code SUPERSEDED}
 * @param document the policy JSON as the privacy officer wrote it (validated when stored)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyVersion(
    int version,
    String status,
    String author,
    String approver,
    Instant createdAt,
    Instant approvedAt,
    @JsonRawValue String document) {

  public static final String DRAFT = "DRAFT";
  public static final String APPROVED = "APPROVED";
  public static final String SUPERSEDED = "SUPERSEDED";

  public PolicyVersion {
    requireNonNull(status, "status is null");
    requireNonNull(author, "author is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(document, "document is null");
  }
}
