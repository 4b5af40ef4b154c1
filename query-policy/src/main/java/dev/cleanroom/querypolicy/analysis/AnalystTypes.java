package dev.cleanroom.querypolicy.analysis;

import static java.util.Objects.requireNonNull;

import com.google.common.collect.ImmutableSet;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeSystem;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeCoercionRule;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql2rel.SqlRexContext;
import org.apache.calcite.sql2rel.SqlRexConvertlet;
import org.apache.calcite.sql2rel.SqlRexConvertletTable;
import org.apache.calcite.sql2rel.StandardConvertletTable;

/**
 * How the analyser types and converts an analyst's SQL where it departs from Calcite's defaults:
 * text of different lengths unites to {@code VARCHAR} (no blank padding), and {@code CAST(b AS
 * INTEGER | BIGINT | DOUBLE)} of a boolean is allowed and becomes {@code CASE WHEN b THEN 1 WHEN
 * NOT b THEN 0 END}, which both engines evaluate.
 */
final class AnalystTypes {
  /** Numbers a boolean may be cast to. */
  private static final Set<SqlTypeName> BOOLEAN_CAST_TARGETS =
      Set.of(SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.DOUBLE);

  /** {@code CASE} over {@code 'gold'} and {@code 'other'} is {@code VARCHAR(5)}, not padded. */
  static final RelDataTypeSystem TYPE_SYSTEM =
      new RelDataTypeSystemImpl() {
        @Override
        public boolean shouldConvertRaggedUnionTypesToVarying() {
          return true;
        }
      };

  /** Calcite's cast rules, plus booleans to the numbers above. */
  static final SqlTypeCoercionRule CAST_RULES = castRules();

  /** Calcite's convertlets, with boolean-to-number casts as {@code CASE}. */
  static final SqlRexConvertletTable CONVERTLETS =
      call ->
          call.getKind() == SqlKind.CAST
              ? AnalystTypes::castBooleanAsNumber
              : StandardConvertletTable.INSTANCE.get(call);

  private AnalystTypes() {}

  private static SqlTypeCoercionRule castRules() {
    Map<SqlTypeName, ImmutableSet<SqlTypeName>> mapping =
        new HashMap<>(SqlTypeCoercionRule.instance().getTypeMapping());
    for (SqlTypeName target : BOOLEAN_CAST_TARGETS) {
      mapping.put(
          target,
          ImmutableSet.<SqlTypeName>builder()
              .addAll(mapping.getOrDefault(target, ImmutableSet.of()))
              .add(SqlTypeName.BOOLEAN)
              .build());
    }
    return SqlTypeCoercionRule.instance(mapping);
  }

  private static RexNode castBooleanAsNumber(SqlRexContext context, SqlCall call) {
    SqlNode operand = call.operand(0);
    RelDataType from = context.getValidator().getValidatedNodeType(operand);
    RelDataType to = context.getValidator().getValidatedNodeType(call);
    if (from.getSqlTypeName() != SqlTypeName.BOOLEAN
        || !BOOLEAN_CAST_TARGETS.contains(to.getSqlTypeName())) {
      SqlRexConvertlet standard = StandardConvertletTable.INSTANCE.get(call);
      return requireNonNull(standard, "Calcite converts CAST").convertCall(context, call);
    }
    RexBuilder rex = context.getRexBuilder();
    RexNode value = context.convertExpression(operand);
    RelDataType number = context.getTypeFactory().createTypeWithNullability(to, false);
    RexNode one = rex.makeLiteral(BigDecimal.ONE, number);
    RexNode zero = rex.makeLiteral(BigDecimal.ZERO, number);
    if (!from.isNullable()) {
      return rex.makeCall(to, SqlStdOperatorTable.CASE, List.of(value, one, zero));
    }
    return rex.makeCall(
        to,
        SqlStdOperatorTable.CASE,
        List.of(
            value,
            one,
            rex.makeCall(SqlStdOperatorTable.NOT, value),
            zero,
            rex.makeNullLiteral(to)));
  }
}
