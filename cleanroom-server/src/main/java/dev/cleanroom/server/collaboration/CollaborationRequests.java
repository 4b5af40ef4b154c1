package dev.cleanroom.server.collaboration;

import dev.cleanroom.server.api.Names;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.server.scaleout.EngineMode;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and answer bodies of the collaboration endpoints. */
public final class CollaborationRequests {
  private CollaborationRequests() {}

  /**
   * {@code POST /collaborations}.
   *
   * @param engine the engine that runs its queries ({@code vectorized}, {@code spark} or {@code
   *     auto}); absent or {@code null}: the server's {@code cleanroom.query.engine}
   */
  @Schema(
      description = "A new collaboration and its members; each member gets its first API key",
      example =
          "{\"name\": \"spring_campaign\", \"members\": [{\"name\": \"retailer\","
              + " \"roles\": [\"PROVIDER\"]}, {\"name\": \"advertiser\", \"roles\":"
              + " [\"PROVIDER\", \"ANALYST\"]}, {\"name\": \"privacy\", \"roles\":"
              + " [\"PRIVACY_OFFICER\"]}]}")
  public record CreateCollaboration(
      String name,
      List<NewMember> members,
      String engine,
      @Schema(description = "First instant queries are answered (inclusive); default: at once")
          Instant startsAt,
      @Schema(description = "Instant from which queries are refused (exclusive); default: none")
          Instant endsAt) {
    public CreateCollaboration {
      Names.require("name", name);
      requireEngine(engine);
      new Term(startsAt, endsAt);
      if (members == null || members.isEmpty()) {
        throw ServerException.malformed("'members' must list at least one member");
      }
      members = List.copyOf(members);
      Set<String> seen = new HashSet<>();
      for (NewMember member : members) {
        if (!seen.add(member.name())) {
          throw ServerException.malformed("member '" + member.name() + "' is listed twice");
        }
      }
    }

    /** A collaboration that follows the server's engine setting, without a term. */
    public CreateCollaboration(String name, List<NewMember> members) {
      this(name, members, null, null, null);
    }

    /** A collaboration without a term. */
    public CreateCollaboration(String name, List<NewMember> members, String engine) {
      this(name, members, engine, null, null);
    }

    Term term() {
      return new Term(startsAt, endsAt);
    }

    /** The engine asked for, if any. */
    Optional<EngineMode> engineMode() {
      return EngineMode.named(engine);
    }
  }

  /**
   * {@code PUT /collaborations/{c}/engine}.
   *
   * @param engine {@code vectorized}, {@code spark} or {@code auto}; {@code null}: the server's
   *     {@code cleanroom.query.engine} again
   */
  @Schema(
      description = "The engine that runs the collaboration's queries",
      example = "{\"engine\": \"auto\"}")
  public record EngineSetting(String engine) {
    public EngineSetting {
      requireEngine(engine);
    }

    Optional<EngineMode> engineMode() {
      return EngineMode.named(engine);
    }
  }

  /**
   * {@code PUT /collaborations/{c}/term}: when the collaboration answers queries.
   *
   * @param startsAt the first instant queries are answered (inclusive); {@code null}: from now
   * @param endsAt the instant from which queries are refused (exclusive); {@code null}: no end
   */
  @Schema(
      description =
          "When the collaboration answers queries: from startsAt (inclusive) until endsAt"
              + " (exclusive), ISO-8601 instants; either may be null",
      example = "{\"startsAt\": \"2026-01-01T00:00:00Z\", \"endsAt\": \"2026-07-01T00:00:00Z\"}")
  public record Term(Instant startsAt, Instant endsAt) {
    public Term {
      if (startsAt != null && endsAt != null && !endsAt.isAfter(startsAt)) {
        throw new ServerException(
            ServerErrorCode.INVALID_INPUT, "'endsAt' must be after 'startsAt'");
      }
    }

    /** No start and no end. */
    public static final Term OPEN = new Term(null, null);

    /** Whether queries are answered at {@code now}. */
    boolean started(Instant now) {
      return startsAt == null || !now.isBefore(startsAt);
    }

    boolean ended(Instant now) {
      return endsAt != null && !now.isBefore(endsAt);
    }
  }

  private static void requireEngine(String engine) {
    if (engine != null && EngineMode.named(engine).isEmpty()) {
      throw new ServerException(
          ServerErrorCode.INVALID_INPUT,
          "'engine' must be one of " + EngineMode.names() + ", or null for the server's setting");
    }
  }

  /** The actors the audit log names besides members. */
  static final Set<String> SYSTEM_ACTORS = Set.of("operator", "server");

  /** A member to create, with its roles. */
  public record NewMember(String name, Set<Role> roles) {
    public NewMember {
      Names.require("members.name", name);
      if (SYSTEM_ACTORS.contains(name)) {
        // The audit log names the operator and the server itself so: a member of that name would
        // read their events and pass its own actions off as theirs.
        throw new ServerException(
            ServerErrorCode.INVALID_INPUT,
            "'members.name' must not be '" + name + "': the audit log's name for the " + name);
      }
      if (roles == null || roles.isEmpty()) {
        throw ServerException.malformed("member '" + name + "' needs at least one role");
      }
      roles = Set.copyOf(roles);
    }
  }

  /** The answer to a creation: each member's first API key, shown this once only. */
  public record CreatedCollaboration(String name, List<CreatedMember> members) {}

  public record CreatedMember(String name, Set<Role> roles, String apiKey) {}

  /**
   * {@code GET /collaborations/{c}}.
   *
   * @param engine the engine setting in force: the collaboration's own, or the server's
   * @param engineSource {@code collaboration} when it has its own setting, else {@code server}
   */
  public record CollaborationView(
      String name,
      List<MemberView> members,
      List<DatasetView> datasets,
      String engine,
      String engineSource,
      Instant startsAt,
      Instant endsAt) {}

  public record MemberView(String name, Set<Role> roles) {}

  /**
   * A dataset as its collaboration's members see it.
   *
   * @param table the dataset's name in SQL, {@code owner.name}
   * @param currentVersion the newest data version, or {@code null} before the first upload
   * @param currentPolicyVersion the approved policy in force, or {@code null} (not queryable)
   */
  public record DatasetView(
      String name,
      String owner,
      String table,
      List<ColumnView> columns,
      Integer currentVersion,
      Integer currentPolicyVersion) {}

  public record ColumnView(String name, String type) {}
}
