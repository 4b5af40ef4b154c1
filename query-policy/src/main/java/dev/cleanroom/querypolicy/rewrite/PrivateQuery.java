package dev.cleanroom.querypolicy.rewrite;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.release.MechanismPreference;
import dev.cleanroom.querypolicy.release.OrderKey;
import dev.cleanroom.querypolicy.release.PostProcessing;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.spi.TableName;
import java.math.BigDecimal;
import java.util.List;
import java.util.OptionalInt;
import org.apache.calcite.rel.RelNode;

/**
 * An accepted query, rewritten: the private plan engines run exactly, what the noise layer needs to
 * release its rows, and what to show a person.
 *
 * @param plan the private plan (Calcite logical operators); its rows are the exact, clamped
 *     aggregates per group followed by the exact distinct-unit count
 * @param releaseSpec per output column: its role, its field in the plan's row and its bounds
 * @param order {@code ORDER BY}, applied after noise and suppression
 * @param limit {@code LIMIT}, applied after noise and suppression
 * @param tablesRead every table the query reads, sorted
 * @param canonicalDigest equal for equivalent queries however written; never contains the key
 * @param explanation what the rewrite does, in sentences
 * @param planText the private plan as text, with the secret key replaced by zeros
 * @param rowsPerJoinKey in a join, the cap on each table's rows per join key and person; empty for
 *     a single table
 * @param postProcessing what the answer shows, computed from the released columns after noise
 *     (derived outputs, {@code HAVING}, the values {@code ORDER BY} sorts on); {@code order}
 *     indexes its outputs and sort values
 */
public record PrivateQuery(
    RelNode plan,
    ReleaseSpec releaseSpec,
    List<OrderKey> order,
    OptionalInt limit,
    List<TableName> tablesRead,
    String canonicalDigest,
    String explanation,
    String planText,
    List<RowsPerJoinKey> rowsPerJoinKey,
    PostProcessing postProcessing) {

  /**
   * At most {@code maxRows} rows of {@code table} per value of {@code columns} take part in the
   * join.
   */
  public record RowsPerJoinKey(TableName table, List<String> columns, int maxRows) {
    public RowsPerJoinKey {
      requireNonNull(table, "table is null");
      columns = List.copyOf(requireNonNull(columns, "columns is null"));
    }
  }

  /** A query whose answer shows its released columns as they are. */
  public PrivateQuery(
      RelNode plan,
      ReleaseSpec releaseSpec,
      List<OrderKey> order,
      OptionalInt limit,
      List<TableName> tablesRead,
      String canonicalDigest,
      String explanation,
      String planText,
      List<RowsPerJoinKey> rowsPerJoinKey) {
    this(
        plan,
        releaseSpec,
        order,
        limit,
        tablesRead,
        canonicalDigest,
        explanation,
        planText,
        rowsPerJoinKey,
        PostProcessing.identity(releaseSpec));
  }

  public PrivateQuery {
    requireNonNull(plan, "plan is null");
    requireNonNull(releaseSpec, "releaseSpec is null");
    order = List.copyOf(requireNonNull(order, "order is null"));
    requireNonNull(limit, "limit is null");
    tablesRead = List.copyOf(requireNonNull(tablesRead, "tablesRead is null"));
    requireNonNull(canonicalDigest, "canonicalDigest is null");
    requireNonNull(explanation, "explanation is null");
    requireNonNull(planText, "planText is null");
    rowsPerJoinKey = List.copyOf(requireNonNull(rowsPerJoinKey, "rowsPerJoinKey is null"));
    requireNonNull(postProcessing, "postProcessing is null");
    if (plan.getRowType().getFieldCount() <= releaseSpec.distinctUnitsField()) {
      throw new IllegalArgumentException("distinctUnitsField lies outside the plan's row");
    }
    for (OrderKey key : order) {
      if (key.outputIndex() >= postProcessing.sortableWidth()) {
        throw new IllegalArgumentException(
            "ORDER BY names value " + key.outputIndex() + " of " + postProcessing.sortableWidth());
      }
    }
  }

  /**
   * The same query released with another epsilon: an approved template's epsilon per run, which its
   * datasets' privacy officers approved in place of the policies' epsilon per query. Part of the
   * question, so it enters the digest.
   */
  public PrivateQuery withEpsilon(BigDecimal epsilon) {
    requireNonNull(epsilon, "epsilon is null");
    if (epsilon.signum() <= 0) {
      throw new IllegalArgumentException("epsilon must be > 0, was " + epsilon);
    }
    if (epsilon.compareTo(releaseSpec.parameters().epsilon()) == 0) {
      return this;
    }
    return new PrivateQuery(
        plan,
        releaseSpec.withParameters(releaseSpec.parameters().withEpsilon(epsilon)),
        order,
        limit,
        tablesRead,
        canonicalDigest + "\nepsilon=" + epsilon.stripTrailingZeros().toPlainString(),
        explanation,
        planText,
        rowsPerJoinKey,
        postProcessing);
  }

  /**
   * The same query asked with a mechanism preference ({@code options.mechanism}); a preference
   * other than {@code auto} is part of the question, so it enters the digest.
   */
  public PrivateQuery withMechanism(MechanismPreference mechanism) {
    requireNonNull(mechanism, "mechanism is null");
    if (mechanism == releaseSpec.parameters().mechanism()) {
      return this;
    }
    ReleaseSpec spec =
        releaseSpec.withParameters(releaseSpec.parameters().withMechanism(mechanism));
    String digest =
        mechanism == MechanismPreference.AUTO
            ? canonicalDigest
            : canonicalDigest + "\nmechanism=" + mechanism.wireName();
    return new PrivateQuery(
        plan,
        spec,
        order,
        limit,
        tablesRead,
        digest,
        explanation,
        planText,
        rowsPerJoinKey,
        postProcessing);
  }
}
