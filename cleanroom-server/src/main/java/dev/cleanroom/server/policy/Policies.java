package dev.cleanroom.server.policy;

import dev.cleanroom.querypolicy.policy.AllowedJoin;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PolicyJson;
import dev.cleanroom.querypolicy.policy.PolicyReferences;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.collaboration.CollaborationRequests.MemberView;
import dev.cleanroom.server.collaboration.Collaborations;
import dev.cleanroom.server.dataset.ApprovedPolicies;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.dataset.DeclaredColumn;
import dev.cleanroom.server.dataset.OneRowPerUnit;
import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import dev.cleanroom.spi.TableName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Policies as the policy layer reads them: documents are validated by {@code PolicyJson}, checked
 * against the dataset's declaration and against what they name in the collaboration (the tables
 * they join or link to, the analysts they allow) when they are proposed as drafts, and checked
 * again when a draft is approved.
 */
@ApplicationScoped
public class Policies implements ApprovedPolicies {
  private final PolicyVersions versions;
  private final DatasetCatalog datasets;
  private final Collaborations collaborations;
  private final OneRowPerUnit oneRowPerUnit;

  @Inject
  public Policies(
      PolicyVersions versions,
      DatasetCatalog datasets,
      Collaborations collaborations,
      OneRowPerUnit oneRowPerUnit) {
    this.versions = versions;
    this.datasets = datasets;
    this.collaborations = collaborations;
    this.oneRowPerUnit = oneRowPerUnit;
  }

  /** Validates {@code document} and stores it as the dataset's next draft. */
  public PolicyVersion propose(Dataset dataset, Caller author, String document) {
    DatasetPolicy policy = parse(document);
    requireConsistent(dataset, policy, references(dataset.collaborationId()));
    return versions.propose(dataset, author, PolicyJson.write(policy));
  }

  /**
   * A privacy officer's approval of a draft, if it is still consistent with the collaboration: what
   * it names may have changed since it was proposed, or it was stored before a check existed. The
   * draft takes effect at once unless it widens what the version in force exposes; then it awaits
   * the providers whose data it exposes more ({@link #widening}).
   *
   * @param selfApprovalAllowed whether the draft's author may approve it (the demo allows it)
   */
  public PolicyVersion approve(
      Dataset dataset, int version, Caller approver, boolean selfApprovalAllowed) {
    return whileTheDataCannotChange(
        dataset,
        version,
        () -> versions.approve(dataset, version, approver, selfApprovalAllowed, rules(dataset)));
  }

  /**
   * A provider's approval or refusal of a version awaiting it; the last approval puts the version
   * in force, checked again like an officer's approval.
   */
  public PolicyVersion decide(Dataset dataset, int version, Caller provider, boolean approve) {
    if (!approve) {
      return versions.decide(dataset, version, provider, false, rules(dataset));
    }
    return whileTheDataCannotChange(
        dataset, version, () -> versions.decide(dataset, version, provider, true, rules(dataset)));
  }

  /**
   * Runs an approval that may put {@code version} in force. When the version declares one row per
   * privacy unit, the approval checks the stored data (in {@link #rules}) and must commit before
   * any upload asks for its rules, so it runs while no version of the dataset is written; other
   * approvals do not wait for uploads.
   */
  private PolicyVersion whileTheDataCannotChange(
      Dataset dataset, int version, Supplier<PolicyVersion> approval) {
    boolean declaresOneRow = read(versions.require(dataset, version)).oneRowPerUnit();
    return declaresOneRow
        ? oneRowPerUnit.whileNoVersionIsWritten(dataset, approval)
        : approval.get();
  }

  private PolicyVersions.ApprovalRules rules(Dataset dataset) {
    PolicyReferences references = references(dataset.collaborationId());
    return new PolicyVersions.ApprovalRules() {
      @Override
      public void requireConsistent(PolicyVersion version) {
        DatasetPolicy policy = parse(version.document());
        Policies.requireConsistent(dataset, policy, references);
        if (policy.oneRowPerUnit()) {
          oneRowPerUnit.requireOfReadableVersions(dataset, policy);
        }
      }

      @Override
      public PolicyVersions.Widening widening(
          PolicyVersion version, Optional<PolicyVersion> inForce) {
        return inForce
            .map(current -> Policies.this.widening(dataset, read(current), read(version)))
            .orElse(PolicyVersions.Widening.NONE);
      }
    };
  }

  /**
   * What {@code next} exposes beyond {@code inForce}, and whose approval that needs: an analyst
   * {@code inForce} does not allow, or a join it does not allow, needs the dataset's owner; a new
   * join needs the owner of the other table too. Anything else (bounds, epsilon, classes, budget)
   * is the privacy officers' to approve alone.
   */
  PolicyVersions.Widening widening(Dataset dataset, DatasetPolicy inForce, DatasetPolicy next) {
    List<String> newAnalysts =
        next.allowedAnalysts().stream()
            .filter(analyst -> !inForce.allowedAnalysts().contains(analyst))
            .sorted()
            .toList();
    List<AllowedJoin> newJoins =
        next.allowedJoins().stream()
            .filter(join -> !inForce.allowedJoins().contains(join))
            .toList();
    if (newAnalysts.isEmpty() && newJoins.isEmpty()) {
      return PolicyVersions.Widening.NONE;
    }
    Map<String, Dataset> byTable =
        datasets.list(dataset.collaborationId()).stream()
            .collect(Collectors.toMap(Dataset::table, Function.identity()));
    Map<Long, PolicyVersions.Provider> providers = new TreeMap<>();
    providers.put(
        dataset.ownerId(), new PolicyVersions.Provider(dataset.ownerId(), dataset.owner()));
    for (AllowedJoin join : newJoins) {
      // A join with a table that is no dataset is refused by requireConsistent before this.
      Dataset other = byTable.get(join.other().toString());
      if (other != null) {
        providers.putIfAbsent(
            other.ownerId(), new PolicyVersions.Provider(other.ownerId(), other.owner()));
      }
    }
    List<String> description = new ArrayList<>();
    if (!newAnalysts.isEmpty()) {
      description.add("newAnalysts=" + String.join(",", newAnalysts));
    }
    if (!newJoins.isEmpty()) {
      description.add(
          "newJoins="
              + newJoins.stream()
                  .map(join -> join.column() + ":" + join.other() + "." + join.otherColumn())
                  .collect(Collectors.joining(",")));
    }
    return new PolicyVersions.Widening(
        List.copyOf(providers.values()), String.join(" ", description));
  }

  @Override
  public Optional<DatasetPolicy> current(Dataset dataset) {
    return versions.current(dataset).map(v -> PolicyJson.read(v.document()));
  }

  @Override
  public Optional<DatasetPolicy> inForceNow(Dataset dataset) {
    return versions.inForceNow(dataset).map(v -> PolicyJson.read(v.document()));
  }

  /** A stored version, parsed. */
  public DatasetPolicy read(PolicyVersion version) {
    return PolicyJson.read(version.document());
  }

  /** Parses a document, reporting every problem with its JSON path. */
  public static DatasetPolicy parse(String document) {
    if (document == null || document.isBlank()) {
      throw ServerException.malformed("a policy document is required");
    }
    List<PolicyJson.Problem> problems = PolicyJson.problems(document);
    if (!problems.isEmpty()) {
      throw invalid(
          problems.stream()
              .map(
                  p ->
                      new Problem.Violation(
                          "INVALID_POLICY", p.path(), null, null, null, p.message()))
              .toList());
    }
    return PolicyJson.read(document);
  }

  /** What policies of this collaboration may name: its datasets and columns, its analysts. */
  private PolicyReferences references(long collaborationId) {
    Map<TableName, Set<String>> tables = new HashMap<>();
    for (Dataset dataset : datasets.list(collaborationId)) {
      tables.put(
          TableName.parse(dataset.table()),
          dataset.columns().stream().map(DeclaredColumn::name).collect(Collectors.toSet()));
    }
    Set<String> analysts =
        collaborations.members(collaborationId).stream()
            .filter(member -> member.roles().contains(Role.ANALYST))
            .map(MemberView::name)
            .collect(Collectors.toSet());
    return new PolicyReferences(tables, analysts);
  }

  /** Refuses, listing every problem, a policy the dataset or the collaboration contradicts. */
  private static void requireConsistent(
      Dataset dataset, DatasetPolicy policy, PolicyReferences references) {
    List<Problem.Violation> problems = new ArrayList<>(mismatches(dataset, policy));
    for (PolicyJson.Problem problem : references.problems(policy)) {
      problems.add(violation(problem.path(), problem.message()));
    }
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
  }

  /** Where the policy disagrees with the dataset's declaration. */
  static List<Problem.Violation> mismatches(Dataset dataset, DatasetPolicy policy) {
    List<Problem.Violation> problems = new ArrayList<>();
    if (!policy.table().toString().equals(dataset.table())) {
      problems.add(
          violation(
              "$.table",
              "the policy names table '" + policy.table() + "', not '" + dataset.table() + "'"));
    }
    Map<String, DeclaredColumn> declared =
        dataset.columns().stream()
            .collect(Collectors.toMap(DeclaredColumn::name, Function.identity()));
    for (int i = 0; i < policy.columns().size(); i++) {
      ColumnPolicy column = policy.columns().get(i);
      DeclaredColumn match = declared.get(column.name());
      String path = "$.columns[" + i + "]";
      if (match == null) {
        problems.add(
            violation(
                path,
                "column '" + column.name() + "' is not declared in '" + dataset.name() + "'"));
      } else if (!match.columnType().equals(column.type())) {
        problems.add(
            violation(
                path,
                "column '"
                    + column.name()
                    + "' is declared "
                    + match.type()
                    + " but the policy says "
                    + column.type()));
      }
    }
    return problems;
  }

  private static Problem.Violation violation(String path, String message) {
    return new Problem.Violation("INVALID_POLICY", path, null, null, null, message);
  }

  static ServerException invalid(List<Problem.Violation> violations) {
    return new ServerException(
        ServerErrorCode.INVALID_INPUT, "the policy is not valid", violations);
  }
}
