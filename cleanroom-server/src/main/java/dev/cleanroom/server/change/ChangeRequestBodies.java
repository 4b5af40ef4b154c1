package dev.cleanroom.server.change;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.cleanroom.server.api.Names;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.collaboration.CollaborationRequests.NewMember;
import dev.cleanroom.server.problem.ServerException;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and answer bodies of the change request endpoints. */
public final class ChangeRequestBodies {
  private ChangeRequestBodies() {}

  /** What a change request changes. */
  public enum Kind {
    /** A new member with its roles; its first key is issued by the operator once it is added. */
    ADD_MEMBER
  }

  /** {@code POST /collaborations/{c}/change-requests}. */
  @Schema(
      description = "A change to the collaboration, applied once every provider has approved it",
      example = "{\"kind\": \"ADD_MEMBER\", \"member\": \"agency\", \"roles\": [\"ANALYST\"]}")
  public record NewChangeRequest(Kind kind, String member, Set<Role> roles) {
    public NewChangeRequest {
      if (kind == null) {
        throw ServerException.malformed("'kind' is required: ADD_MEMBER");
      }
      Names.require("member", member);
      roles = new NewMember(member, roles).roles();
    }

    NewMember newMember() {
      return new NewMember(member, roles);
    }
  }

  /**
   * A change request as members and the operator see it.
   *
   * @param id its number within the collaboration, 1 for the first
   * @param status {@code PENDING}, {@code APPLIED} or {@code REJECTED}
   * @param requestedBy the member who asked, or {@code operator}
   * @param decidedAt when it was applied or rejected
   * @param approvals every provider of the collaboration when it was asked, with its decision
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record ChangeRequestView(
      int id,
      Kind kind,
      String member,
      List<Role> roles,
      String status,
      String requestedBy,
      Instant createdAt,
      Instant decidedAt,
      List<Approval> approvals) {
    public ChangeRequestView {
      requireNonNull(kind, "kind is null");
      requireNonNull(member, "member is null");
      roles = List.copyOf(roles);
      requireNonNull(status, "status is null");
      requireNonNull(requestedBy, "requestedBy is null");
      requireNonNull(createdAt, "createdAt is null");
      approvals = List.copyOf(approvals);
    }
  }

  /**
   * One provider's part in a change request.
   *
   * @param status {@code AWAITED}, {@code APPROVED} or {@code REJECTED}
   * @param decidedAt when it approved or rejected; {@code null} while awaited
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Approval(String provider, String status, Instant decidedAt) {
    public Approval {
      requireNonNull(provider, "provider is null");
      requireNonNull(status, "status is null");
    }
  }
}
