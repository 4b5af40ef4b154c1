package dev.cleanroom.querypolicy.rewrite;

import dev.cleanroom.querypolicy.lineage.BaseColumn;
import dev.cleanroom.querypolicy.lineage.CheckedQuery;
import dev.cleanroom.querypolicy.policy.ColumnClass;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.release.ReleaseRule;
import dev.cleanroom.spi.ColumnType;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUnknownAs;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.NlsString;
import org.apache.calcite.util.Sarg;

/**
 * Decides, on the checked plan, whether a query's groups can be released as public keys: every
 * group key is exactly one base column whose values are known before the data is read, from the
 * column's published values or from a condition of the query that restricts it to literals.
 *
 * <p>Fail safe: anything not recognised (an expression as a key, a condition under {@code OR} with
 * another column, a per-person query, a type without published values) leaves the threshold rule,
 * which is private for any keys. A restriction counts only when it is a top-level conjunct of the
 * filters over the joined row of inner joins, so it holds for every row the aggregate reads.
 */
final class PublicGroupKeys {
  private PublicGroupKeys() {}

  /** The release rule of {@code query}: public keys when every group key has a key set. */
  static ReleaseRule of(CheckedQuery query) {
    if (query.perPerson() != null || query.groupKeys().isEmpty()) {
      return ReleaseRule.Threshold.PLAIN;
    }
    List<ReleaseRule.KeySet> keySets = new ArrayList<>();
    List<String> without = new ArrayList<>();
    for (int field = 0; field < query.groupKeys().size(); field++) {
      Optional<ReleaseRule.KeySet> keySet = keySet(query, field);
      if (keySet.isPresent()) {
        keySets.add(keySet.get());
      } else {
        without.add("group key " + (field + 1));
      }
    }
    if (keySets.isEmpty()) {
      return ReleaseRule.Threshold.PLAIN;
    }
    if (!without.isEmpty()) {
      return new ReleaseRule.Threshold(
          String.join(", ", without)
              + " has no public key set (published values, or an IN or = condition on a column)");
    }
    long count = ReleaseRule.PublicKeys.keyCount(keySets);
    if (count > ReleaseRule.MAX_PUBLIC_KEYS) {
      return new ReleaseRule.Threshold(
          "the public keys would form more than "
              + ReleaseRule.MAX_PUBLIC_KEYS
              + " combinations, the most a release shows");
    }
    return new ReleaseRule.PublicKeys(keySets);
  }

  private static Optional<ReleaseRule.KeySet> keySet(CheckedQuery query, int field) {
    if (!(query.groupKeys().get(field) instanceof RexInputRef reference)) {
      return Optional.empty();
    }
    int index = reference.getIndex();
    BaseColumn column = query.flat().columns().get(index);
    ColumnPolicy policy = column.policy();
    if (policy == null
        || policy.columnClass() != ColumnClass.DIMENSION
        || !(isText(policy.type()) || isWhole(policy.type()))) {
      return Optional.empty();
    }
    Set<Object> values = null;
    ReleaseRule.KeySource source = null;
    if (!policy.publicValues().isEmpty()) {
      values = new LinkedHashSet<>(policy.publicValues());
      source = ReleaseRule.KeySource.POLICY;
    }
    for (RexNode conjunct : query.filters()) {
      Optional<List<Object>> restriction = restriction(conjunct, index, policy.type());
      if (restriction.isPresent()) {
        if (values == null) {
          values = new LinkedHashSet<>(restriction.get());
        } else {
          values.retainAll(restriction.get());
        }
        source = ReleaseRule.KeySource.QUERY;
      }
    }
    if (values == null) {
      return Optional.empty();
    }
    return Optional.of(
        new ReleaseRule.KeySet(field, column.qualifiedName(), source, List.copyOf(values)));
  }

  /**
   * The literals {@code conjunct} restricts column {@code index} to: {@code col = literal}, an
   * {@code OR} of such equalities, or a {@code SEARCH} of points (how an {@code IN} list arrives).
   */
  private static Optional<List<Object>> restriction(RexNode conjunct, int index, ColumnType type) {
    if (conjunct.getKind() == SqlKind.EQUALS) {
      return equality((RexCall) conjunct, index, type).map(List::of);
    }
    if (conjunct.getKind() == SqlKind.OR) {
      List<Object> values = new ArrayList<>();
      for (RexNode operand : ((RexCall) conjunct).getOperands()) {
        if (operand.getKind() != SqlKind.EQUALS) {
          return Optional.empty();
        }
        Optional<Object> value = equality((RexCall) operand, index, type);
        if (value.isEmpty()) {
          return Optional.empty();
        }
        values.add(value.get());
      }
      return Optional.of(values);
    }
    if (conjunct.getKind() == SqlKind.SEARCH) {
      RexCall search = (RexCall) conjunct;
      if (!isColumn(search.getOperands().get(0), index)
          || !(search.getOperands().get(1) instanceof RexLiteral literal)
          || !(literal.getValue() instanceof Sarg<?> sarg)
          || !sarg.isPoints()
          || sarg.nullAs == RexUnknownAs.TRUE) {
        return Optional.empty();
      }
      List<Object> values = new ArrayList<>();
      for (var range : sarg.rangeSet.asRanges()) {
        Optional<Object> value = value(range.lowerEndpoint(), type);
        if (value.isEmpty()) {
          return Optional.empty();
        }
        values.add(value.get());
      }
      return Optional.of(values);
    }
    return Optional.empty();
  }

  /** The literal of {@code column = literal} (either side) on column {@code index}. */
  private static Optional<Object> equality(RexCall call, int index, ColumnType type) {
    RexNode left = call.getOperands().get(0);
    RexNode right = call.getOperands().get(1);
    if (isColumn(left, index) && right instanceof RexLiteral literal) {
      return value(literal.getValue(), type);
    }
    if (isColumn(right, index) && left instanceof RexLiteral literal) {
      return value(literal.getValue(), type);
    }
    return Optional.empty();
  }

  private static boolean isColumn(RexNode node, int index) {
    return node instanceof RexInputRef reference && reference.getIndex() == index;
  }

  /** A literal's value as a key: text for a text column, a whole number for an integer one. */
  private static Optional<Object> value(Object literal, ColumnType type) {
    if (isText(type) && literal instanceof NlsString text && text.getValue() != null) {
      return Optional.of(text.getValue());
    }
    if (isWhole(type) && literal instanceof BigDecimal number) {
      try {
        return Optional.of(number.longValueExact());
      } catch (ArithmeticException e) {
        return Optional.empty();
      }
    }
    return Optional.empty();
  }

  private static boolean isText(ColumnType type) {
    return type.kind() == ColumnType.Kind.VARCHAR;
  }

  private static boolean isWhole(ColumnType type) {
    return type.kind() == ColumnType.Kind.BIGINT || type.kind() == ColumnType.Kind.INTEGER;
  }
}
