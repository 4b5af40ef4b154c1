package dev.cleanroom.server.policy;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.time.Instant;
import java.util.List;

/**
 * One version of a dataset's policy.
 *
 * @param status {@code DRAFT}, {@code AWAITING_PROVIDERS} (approved by a privacy officer, waiting
 *     for the providers whose data it exposes more), {@code APPROVED} (the one in force), {@code
 *     SUPERSEDED} or {@code REFUSED} (by a provider)
 * @param approver the privacy officer who approved it
 * @param approvedAt when it took effect
 * @param document the policy JSON as the privacy officer wrote it (validated when stored)
 * @param providers the providers asked to approve it because it widens what the version in force
 *     exposes, with their decisions; {@code null} (absent) for a version no provider was asked
 *     about
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PolicyVersion(
    int version,
    String status,
    String author,
    String approver,
    Instant createdAt,
    Instant approvedAt,
    @JsonRawValue String document,
    List<ProviderDecision> providers) {

  public static final String DRAFT = "DRAFT";
  public static final String AWAITING_PROVIDERS = "AWAITING_PROVIDERS";
  public static final String APPROVED = "APPROVED";
  public static final String SUPERSEDED = "SUPERSEDED";
  public static final String REFUSED = "REFUSED";

  public PolicyVersion {
    requireNonNull(status, "status is null");
    requireNonNull(author, "author is null");
    requireNonNull(createdAt, "createdAt is null");
    requireNonNull(document, "document is null");
    providers = providers == null || providers.isEmpty() ? null : List.copyOf(providers);
  }

  /**
   * One provider's part in a policy version that widens exposure.
   *
   * @param status {@code AWAITED}, {@code APPROVED} or {@code REFUSED}
   * @param decidedAt when it approved or refused; {@code null} while awaited
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ProviderDecision(String provider, String status, Instant decidedAt) {
    public static final String AWAITED = "AWAITED";

    public ProviderDecision {
      requireNonNull(provider, "provider is null");
      requireNonNull(status, "status is null");
    }
  }
}
