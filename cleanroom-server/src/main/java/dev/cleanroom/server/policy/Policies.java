package dev.cleanroom.server.policy;

import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.querypolicy.policy.PolicyJson;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DeclaredColumn;
import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Policies as the policy layer reads them: documents are validated by {@code PolicyJson} and
 * checked against the dataset's declaration before they are stored as drafts.
 */
@ApplicationScoped
public class Policies {
  private final PolicyVersions versions;

  @Inject
  public Policies(PolicyVersions versions) {
    this.versions = versions;
  }

  /** Validates {@code document} and stores it as the dataset's next draft. */
  public PolicyVersion propose(Dataset dataset, Caller author, String document) {
    DatasetPolicy policy = parse(document);
    List<Problem.Violation> problems = mismatches(dataset, policy);
    if (!problems.isEmpty()) {
      throw invalid(problems);
    }
    return versions.propose(dataset, author, PolicyJson.write(policy));
  }

  /** The approved policy in force for the dataset, if any. */
  public Optional<DatasetPolicy> current(Dataset dataset) {
    return versions.current(dataset).map(v -> PolicyJson.read(v.document()));
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
      } else if (!match.type().equals(column.type().name())) {
        problems.add(
            violation(
                path,
                "column '"
                    + column.name()
                    + "' is declared "
                    + match.type()
                    + " but the policy says "
                    + column.type().name()));
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
