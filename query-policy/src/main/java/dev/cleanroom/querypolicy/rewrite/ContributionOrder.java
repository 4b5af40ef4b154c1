package dev.cleanroom.querypolicy.rewrite;

import dev.cleanroom.spi.ContributionHash;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.ScalarFunction;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * The keyed hash that orders each unit's groups, so the groups a unit keeps are chosen by a secret
 * the analyst cannot steer, as Calcite functions: {@link ContributionHash} is the contract (the
 * value and how an engine computes it); the public static methods here let Calcite's code call it
 * through {@link ScalarFunctionImpl}.
 */
public final class ContributionOrder {
  /** The function name in plans ({@link ContributionHash#NAME}). */
  public static final String NAME = ContributionHash.NAME;

  /** The most group keys a private query may have (one method arity each). */
  public static final int MAX_GROUP_KEYS = 6;

  private static final List<SqlUserDefinedFunction> FUNCTIONS = createFunctions();

  private ContributionOrder() {}

  /** The function for a query with {@code groupKeys} group keys. */
  static SqlUserDefinedFunction function(int groupKeys) {
    if (groupKeys < 0 || groupKeys > MAX_GROUP_KEYS) {
      throw new IllegalArgumentException(
          "group keys must be in [0, " + MAX_GROUP_KEYS + "], was " + groupKeys);
    }
    return FUNCTIONS.get(groupKeys);
  }

  public static long order(long key0, long key1, Object unit) {
    return ContributionHash.hash(key0, key1, unit);
  }

  public static long order(long key0, long key1, Object unit, Object g1) {
    return ContributionHash.hash(key0, key1, unit, g1);
  }

  public static long order(long key0, long key1, Object unit, Object g1, Object g2) {
    return ContributionHash.hash(key0, key1, unit, g1, g2);
  }

  public static long order(long key0, long key1, Object unit, Object g1, Object g2, Object g3) {
    return ContributionHash.hash(key0, key1, unit, g1, g2, g3);
  }

  public static long order(
      long key0, long key1, Object unit, Object g1, Object g2, Object g3, Object g4) {
    return ContributionHash.hash(key0, key1, unit, g1, g2, g3, g4);
  }

  public static long order(
      long key0, long key1, Object unit, Object g1, Object g2, Object g3, Object g4, Object g5) {
    return ContributionHash.hash(key0, key1, unit, g1, g2, g3, g4, g5);
  }

  public static long order(
      long key0,
      long key1,
      Object unit,
      Object g1,
      Object g2,
      Object g3,
      Object g4,
      Object g5,
      Object g6) {
    return ContributionHash.hash(key0, key1, unit, g1, g2, g3, g4, g5, g6);
  }

  private static List<SqlUserDefinedFunction> createFunctions() {
    List<SqlUserDefinedFunction> functions = new ArrayList<>();
    for (int groups = 0; groups <= MAX_GROUP_KEYS; groups++) {
      Class<?>[] parameters = new Class<?>[3 + groups];
      parameters[0] = long.class;
      parameters[1] = long.class;
      for (int i = 2; i < parameters.length; i++) {
        parameters[i] = Object.class;
      }
      Method method;
      try {
        method = ContributionOrder.class.getMethod("order", parameters);
      } catch (NoSuchMethodException e) {
        throw new IllegalStateException("missing arity " + groups, e);
      }
      ScalarFunction function = ScalarFunctionImpl.create(method);
      List<SqlTypeFamily> families = new ArrayList<>();
      for (int i = 0; i < parameters.length; i++) {
        families.add(i < 2 ? SqlTypeFamily.INTEGER : SqlTypeFamily.ANY);
      }
      int arity = parameters.length;
      functions.add(
          new SqlUserDefinedFunction(
              new SqlIdentifier(NAME, SqlParserPos.ZERO),
              SqlKind.OTHER_FUNCTION,
              ReturnTypes.BIGINT,
              null,
              OperandTypes.operandMetadata(
                  families,
                  (RelDataTypeFactory typeFactory) ->
                      function.getParameters().stream().map(p -> p.getType(typeFactory)).toList(),
                  i -> "arg" + i,
                  i -> false),
              function));
      if (function.getParameters().size() != arity) {
        throw new IllegalStateException("arity mismatch for " + groups + " group keys");
      }
    }
    return List.copyOf(functions);
  }
}
