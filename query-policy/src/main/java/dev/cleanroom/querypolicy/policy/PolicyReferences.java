package dev.cleanroom.querypolicy.policy;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.spi.TableName;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a policy may name outside itself, as its collaboration holds it: the declared datasets with
 * their columns, and the members with the analyst role. A policy is checked against it when it is
 * proposed and again when it is approved, since a policy that names a table, column or analyst that
 * does not exist would otherwise wait, approved, for one of that name to appear.
 *
 * @param tables every dataset of the collaboration with its declared column names
 * @param analysts the names of the members with the analyst role
 */
public record PolicyReferences(Map<TableName, Set<String>> tables, Set<String> analysts) {

  public PolicyReferences {
    Map<TableName, Set<String>> copy = new HashMap<>();
    requireNonNull(tables, "tables is null")
        .forEach(
            (table, columns) ->
                copy.put(
                    requireNonNull(table, "a table is null"),
                    Set.copyOf(requireNonNull(columns, "columns of " + table + " are null"))));
    tables = Map.copyOf(copy);
    analysts = Set.copyOf(requireNonNull(analysts, "analysts is null"));
  }

  /**
   * Every reference of {@code policy} that this collaboration cannot resolve, each with its JSON
   * path in the policy document (analysts in the order the policy lists them). Messages quote
   * identifiers only.
   */
  public List<PolicyJson.Problem> problems(DatasetPolicy policy) {
    requireNonNull(policy, "policy is null");
    List<PolicyJson.Problem> problems = new ArrayList<>();
    for (int i = 0; i < policy.columns().size(); i++) {
      ColumnPolicy column = policy.columns().get(i);
      TableName unitTable = column.linksToUnitOf();
      if (unitTable != null && !tables.containsKey(unitTable)) {
        problems.add(
            new PolicyJson.Problem(
                "$.columns[" + i + "].linksToUnitOf",
                "join key '"
                    + column.name()
                    + "' links to the unit of '"
                    + unitTable
                    + "', which is not a dataset of this collaboration"));
      }
    }
    for (int i = 0; i < policy.allowedJoins().size(); i++) {
      AllowedJoin join = policy.allowedJoins().get(i);
      String path = "$.allowedJoins[" + i + "]";
      Set<String> otherColumns = tables.get(join.other());
      if (otherColumns == null) {
        problems.add(
            new PolicyJson.Problem(
                path + ".other",
                "allowed join on '"
                    + join.column()
                    + "' names '"
                    + join.other()
                    + "', which is not a dataset of this collaboration"));
      } else if (!otherColumns.contains(join.otherColumn())) {
        problems.add(
            new PolicyJson.Problem(
                path + ".otherColumn",
                "allowed join on '"
                    + join.column()
                    + "' names column '"
                    + join.otherColumn()
                    + "', which '"
                    + join.other()
                    + "' does not declare"));
      }
    }
    List<String> allowed = List.copyOf(policy.allowedAnalysts());
    for (int i = 0; i < allowed.size(); i++) {
      String analyst = allowed.get(i);
      if (!analysts.contains(analyst)) {
        problems.add(
            new PolicyJson.Problem(
                "$.allowedAnalysts[" + i + "]",
                "allowed analyst '"
                    + analyst
                    + "' is not a member of this collaboration with the ANALYST role"));
      }
    }
    return List.copyOf(problems);
  }
}
