package dev.cleanroom.sparkruntime;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.crypto.SealedSecret;
import dev.cleanroom.spi.ContributionHash;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** cr_contribution_order in a Spark session of this JVM agrees with ContributionHash to the bit. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContributionOrderTest {
  private static final long KEY0 = 0x0123456789abcdefL;
  private static final long KEY1 = 0xfedcba9876543210L;

  private final SecureRandom random = new SecureRandom();
  private final MasterKey masterKey = MasterKey.generate(random);
  private final byte[] sealedKey = SealedSecret.seal(masterKey, keyBytes(KEY0, KEY1), random);
  private SparkSession spark;

  @BeforeAll
  void startSpark(@TempDir Path directory) throws Exception {
    Path keyFile = Files.writeString(directory.resolve("master.key"), masterKey.toBase64());
    spark =
        SparkSession.builder()
            .master("local[1]")
            .appName("contribution-order-test")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.sql.shuffle.partitions", "1")
            .config("spark.sql.extensions", CleanroomSparkExtensions.class.getName())
            .config(SealedSecret.SPARK_MASTER_KEY_FILES, keyFile.toString())
            .config(
                "spark.sql.redaction.string.regex", ContributionOrder.SEALED_KEY_REDACTION_REGEX)
            .getOrCreate();
  }

  @AfterAll
  void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  @Test
  void everyType_agreesWithContributionHash() {
    check(DataTypes.LongType, List.of(0L, -1L, Long.MAX_VALUE, Long.MIN_VALUE, 42L), List.of());
    check(DataTypes.IntegerType, List.of(0, -7, Integer.MAX_VALUE, 42), List.of());
    check(
        DataTypes.DoubleType,
        List.of(0.0, 1.5, -2.25, Double.MAX_VALUE, 1e-300, Double.POSITIVE_INFINITY),
        List.of());
    check(
        DataTypes.createDecimalType(12, 3),
        List.of(new BigDecimal("12.500"), new BigDecimal("-0.001"), new BigDecimal("100.000")),
        List.of(new BigDecimal("12.5"), new BigDecimal("-0.001"), new BigDecimal("1E+2")));
    check(DataTypes.StringType, List.of("", "alice", "Ünïcødé ✓", "a,b"), List.of());
    check(DataTypes.BooleanType, List.of(true, false), List.of());
    check(
        DataTypes.DateType,
        List.of(LocalDate.of(1970, 1, 1), LocalDate.of(2024, 2, 29), LocalDate.of(1969, 12, 31)),
        List.of(0, 19782, -1));
    check(
        DataTypes.TimestampNTZType,
        List.of(
            LocalDateTime.of(1970, 1, 1, 0, 0, 0, 1_000_000),
            LocalDateTime.of(2024, 5, 6, 7, 8, 9, 123_000_000),
            LocalDateTime.of(1969, 12, 31, 23, 59, 59, 999_000_000)),
        List.of(1L, 1714979289123L, -1L));
  }

  @Test
  void nulls_hashAsNull() {
    Row row =
        spark
            .range(1)
            .select(
                call_function(
                    ContributionOrder.NAME,
                    lit(sealedKey),
                    lit(null),
                    lit(null).cast(DataTypes.LongType)))
            .first();
    assertEquals(ContributionHash.hash(KEY0, KEY1, null, null), row.getLong(0));
  }

  @Test
  void severalValues_hashTheirConcatenation() {
    StructType schema =
        new StructType()
            .add("unit", DataTypes.StringType)
            .add("day", DataTypes.DateType)
            .add("amount", DataTypes.createDecimalType(10, 2));
    List<Row> rows =
        List.of(
            RowFactory.create("u1", LocalDate.of(2024, 1, 2), new BigDecimal("3.10")),
            RowFactory.create("u2", null, new BigDecimal("-5.00")));
    List<Row> hashed =
        spark
            .createDataFrame(rows, schema)
            .select(
                call_function(
                    ContributionOrder.NAME, lit(sealedKey), col("unit"), col("day"), col("amount")))
            .collectAsList();
    assertEquals(
        ContributionHash.hash(KEY0, KEY1, "u1", 19724, new BigDecimal("3.1")),
        hashed.get(0).getLong(0));
    assertEquals(
        ContributionHash.hash(KEY0, KEY1, "u2", null, new BigDecimal("-5")),
        hashed.get(1).getLong(0));
  }

  @Test
  void explain_neverShowsTheSealedKey() {
    Dataset<Row> hashed =
        spark
            .range(3)
            .select(call_function(ContributionOrder.NAME, lit(sealedKey), col("id")).as("order"));
    hashed.collectAsList();
    String explained =
        hashed.queryExecution().explainString(org.apache.spark.sql.execution.ExtendedMode$.MODULE$)
            + hashed.queryExecution().simpleString();
    assertTrue(explained.contains("cr_contribution_order(<sealed key>, id"), explained);
    assertTrue(explained.contains("redacted"), "the parsed plan's literal is redacted");
    String hex = HexFormat.of().formatHex(sealedKey);
    assertFalse(explained.toLowerCase().contains(hex.substring(0, 16)), explained);
    assertFalse(explained.contains(Base64.getEncoder().encodeToString(sealedKey)), explained);
    assertFalse(explained.contains(Arrays.toString(sealedKey)), explained);
  }

  @Test
  void keySealedUnderAnotherMasterKey_failsNamingOnlyTheKeyId() {
    MasterKey other = MasterKey.generate(random);
    byte[] secret = keyBytes(KEY0, KEY1);
    byte[] sealedElsewhere = SealedSecret.seal(other, secret, random);
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark
                    .range(2)
                    .select(call_function(ContributionOrder.NAME, lit(sealedElsewhere), col("id")))
                    .collectAsList());
    String messages = messages(e);
    assertTrue(
        messages.contains(
            "the sealed secret is under master key '" + other.id() + "', which is not configured"),
        messages);
    assertFalse(messages.toLowerCase().contains(HexFormat.of().formatHex(secret)), messages);
    assertFalse(messages.contains(Long.toHexString(KEY0)), messages);
    assertFalse(messages.contains(other.toBase64()), messages);
  }

  @Test
  void keyNotConstant_isRefusedBeforeRunning() {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark
                    .range(2)
                    .select(
                        call_function(
                            ContributionOrder.NAME,
                            col("id").cast(DataTypes.StringType).cast(DataTypes.BinaryType),
                            col("id")))
                    .collectAsList());
    assertTrue(messages(e).contains("must be a constant sealed key"), messages(e));
  }

  private void check(DataType type, List<?> values, List<?> javaMapping) {
    List<Row> rows = new ArrayList<>();
    values.forEach(value -> rows.add(RowFactory.create(value)));
    rows.add(RowFactory.create((Object) null));
    Dataset<Row> frame = spark.createDataFrame(rows, new StructType().add("v", type)).coalesce(1);
    Column order = call_function(ContributionOrder.NAME, lit(sealedKey), col("v"));
    List<Row> hashed = frame.select(col("v"), order).collectAsList();
    assertEquals(rows.size(), hashed.size());
    for (int i = 0; i < hashed.size(); i++) {
      Object expected =
          i < values.size() ? (javaMapping.isEmpty() ? values.get(i) : javaMapping.get(i)) : null;
      assertEquals(
          ContributionHash.hash(KEY0, KEY1, expected),
          hashed.get(i).getLong(1),
          type + " value " + i);
    }
  }

  private static byte[] keyBytes(long key0, long key1) {
    return ByteBuffer.allocate(16).putLong(key0).putLong(key1).array();
  }

  private static String messages(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      text.append(t).append('\n');
    }
    return text.toString();
  }
}
