package dev.cleanroom.sparkruntime;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.crypto.SealedSecret;
import dev.cleanroom.spi.ContributionHash;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.analysis.TypeCheckResult;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenFallback;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code cr_contribution_order(sealed_key BINARY, unit, g1, ..., gn) -> BIGINT}: {@link
 * ContributionHash#hash} under the contribution key, of the values in the engines' Java mapping
 * (DATE as Integer days, TIMESTAMP as Long milliseconds, DECIMAL as BigDecimal, VARCHAR as String),
 * so that it agrees to the bit with the other engines. The key arrives sealed ({@link
 * SealedSecret}: 16 bytes, key0 then key1, big-endian) and is unsealed once per expression instance
 * with the master keys of Spark setting {@value SealedSecret#SPARK_MASTER_KEY_FILES}; it never
 * appears in the expression's string or SQL form.
 */
public final class ContributionOrder extends Expression
    implements CodegenFallback, java.io.Serializable {
  static final String NAME = "cr_contribution_order";

  /**
   * Spark setting {@code spark.sql.redaction.string.regex} for sessions that send sealed keys: the
   * parsed plan shows the function's arguments before this class is resolved, so the sealed literal
   * ({@code 0x01...}, {@link SealedSecret}'s format byte) is redacted from EXPLAIN and the Spark UI
   * by Spark's own redaction. The Spark engine sets the same value.
   */
  public static final String SEALED_KEY_REDACTION_REGEX = "0x01[0-9A-Fa-f]{60,}";

  private static final String HIDDEN_KEY = "<sealed key>";
  private static final long serialVersionUID = 1L;

  private final Seq<Expression> arguments;
  private transient volatile long[] key;

  public ContributionOrder(Seq<Expression> arguments) {
    this.arguments = requireNonNull(arguments, "arguments is null");
    CodegenFallback.$init$(this);
  }

  @Override
  public Seq<Expression> children() {
    return arguments;
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new ContributionOrder(newChildren);
  }

  @Override
  public boolean nullable() {
    return false;
  }

  @Override
  public DataType dataType() {
    return DataTypes.LongType;
  }

  @Override
  public TypeCheckResult checkInputDataTypes() {
    List<Expression> all = CollectionConverters.asJava(arguments);
    if (all.size() < 2) {
      return new TypeCheckResult.TypeCheckFailure(
          NAME + " takes a sealed key and at least one value");
    }
    Expression sealedKey = all.get(0);
    if (!(sealedKey.dataType() instanceof BinaryType) || !sealedKey.foldable()) {
      return new TypeCheckResult.TypeCheckFailure(
          NAME + "'s first argument must be a constant sealed key (BINARY)");
    }
    for (int i = 1; i < all.size(); i++) {
      if (!hashable(all.get(i).dataType())) {
        return new TypeCheckResult.TypeCheckFailure(
            NAME + " cannot hash argument " + (i + 1) + " of type " + all.get(i).dataType());
      }
    }
    return TypeCheckResult.TypeCheckSuccess$.MODULE$;
  }

  @Override
  public Object eval(InternalRow row) {
    long[] contributionKey = key();
    int count = arguments.size();
    Object[] values = new Object[count - 1];
    for (int i = 1; i < count; i++) {
      Expression argument = arguments.apply(i);
      values[i - 1] = javaValue(argument.dataType(), argument.eval(row));
    }
    return ContributionHash.hash(contributionKey[0], contributionKey[1], values);
  }

  @Override
  public ExprCode doGenCode(CodegenContext context, ExprCode expression) {
    return CodegenFallback.super.doGenCode(context, expression);
  }

  @Override
  public String prettyName() {
    return NAME;
  }

  /** Names the sealed key without showing it, in plans, EXPLAIN and the Spark UI. */
  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(NAME).append('(').append(HIDDEN_KEY);
    for (int i = 1; i < arguments.size(); i++) {
      text.append(", ").append(arguments.apply(i));
    }
    return text.append(')').toString();
  }

  @Override
  public String sql() {
    StringBuilder text = new StringBuilder(NAME).append('(').append("'").append(HIDDEN_KEY);
    text.append("'");
    for (int i = 1; i < arguments.size(); i++) {
      text.append(", ").append(arguments.apply(i).sql());
    }
    return text.append(')').toString();
  }

  @Override
  public String simpleString(int maxFields) {
    return toString();
  }

  @Override
  public int productArity() {
    return 1;
  }

  @Override
  public Object productElement(int index) {
    if (index != 0) {
      throw new IndexOutOfBoundsException(index);
    }
    return arguments;
  }

  @Override
  public boolean canEqual(Object other) {
    return other instanceof ContributionOrder;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ContributionOrder that && arguments.equals(that.arguments);
  }

  @Override
  public int hashCode() {
    return arguments.hashCode();
  }

  private long[] key() {
    long[] unsealed = key;
    if (unsealed == null) {
      synchronized (this) {
        unsealed = key;
        if (unsealed == null) {
          unsealed = unsealKey();
          key = unsealed;
        }
      }
    }
    return unsealed;
  }

  private long[] unsealKey() {
    byte[] sealed = (byte[]) arguments.apply(0).eval(null);
    if (sealed == null) {
      throw new IllegalArgumentException(NAME + "'s sealed key is null");
    }
    String files = SparkEnv.get().conf().get(SealedSecret.SPARK_MASTER_KEY_FILES, "");
    byte[] secret = SealedSecret.unseal(sealed, SealedSecret.keysFromFiles(files));
    try {
      if (secret.length != 16) {
        throw new IllegalArgumentException(NAME + "'s key must be 16 bytes");
      }
      return new long[] {bigEndianLong(secret, 0), bigEndianLong(secret, 8)};
    } finally {
      java.util.Arrays.fill(secret, (byte) 0);
    }
  }

  private static long bigEndianLong(byte[] bytes, int offset) {
    long value = 0;
    for (int i = 0; i < 8; i++) {
      value = (value << 8) | (bytes[offset + i] & 0xffL);
    }
    return value;
  }

  private static boolean hashable(DataType type) {
    return type instanceof LongType
        || type instanceof IntegerType
        || type instanceof ShortType
        || type instanceof ByteType
        || type instanceof DoubleType
        || type instanceof FloatType
        || type instanceof DecimalType
        || type instanceof StringType
        || type instanceof BooleanType
        || type instanceof DateType
        || type instanceof TimestampType
        || type instanceof TimestampNTZType
        || type instanceof NullType;
  }

  /** A Catalyst value as the engines' Java mapping holds it. */
  static Object javaValue(DataType type, Object value) {
    if (value == null) {
      return null;
    }
    if (type instanceof DecimalType) {
      return ((Decimal) value).toJavaBigDecimal();
    }
    if (type instanceof StringType) {
      return ((UTF8String) value).toString();
    }
    if (type instanceof TimestampType || type instanceof TimestampNTZType) {
      return Math.floorDiv((Long) value, 1000L);
    }
    // BIGINT, INTEGER, DOUBLE, BOOLEAN as they are; DATE is already its Integer day number.
    return value;
  }
}
