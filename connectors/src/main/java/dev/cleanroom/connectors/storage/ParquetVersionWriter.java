package dev.cleanroom.connectors.storage;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.crypto.MasterKeyKmsClient;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.spi.ColumnType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.crypto.FileEncryptionProperties;
import org.apache.parquet.crypto.ParquetCipher;
import org.apache.parquet.crypto.keytools.KeyToolkit;
import org.apache.parquet.crypto.keytools.PropertiesDrivenCryptoFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;

/**
 * Writes a stored version as Parquet with modular encryption into one directory, batch by batch:
 * AES_GCM_V1, encrypted footer, each column under its own AES-256 data key, every data key wrapped
 * by {@link MasterKeyKmsClient} under the current master key and kept inside the footer. Spark (or
 * any Parquet reader) reads the files with only the settings of {@link #sparkSettings}. Memory is
 * bounded by one row group ({@value #ROW_GROUP_BYTES} bytes) on the heap.
 */
public final class ParquetVersionWriter implements AutoCloseable {
  /** The one file a version has today; readers take the whole directory. */
  public static final String PART_FILE = "part-00000.parquet";

  static final int ROW_GROUP_BYTES = 16 << 20;

  private static final String CRYPTO_FACTORY_CLASS = "parquet.crypto.factory.class";
  private static final String TEMP_PART_PREFIX = ".tmp-";

  private final Path directory;
  private final Path tempFile;
  private final ParquetWriter<Integer> writer;
  private final BatchWriteSupport writeSupport;
  private final Schema arrowSchema;
  private long rows;
  private boolean finished;
  private boolean closed;

  private ParquetVersionWriter(
      Path directory, Path tempFile, Schema arrowSchema, DatasetSchema schema, List<MasterKey> keys)
      throws IOException {
    this.directory = directory;
    this.tempFile = tempFile;
    this.arrowSchema = arrowSchema;
    this.writeSupport = new BatchWriteSupport(schema);
    this.writer =
        new Builder(new LocalOutputFile(tempFile), writeSupport)
            .withConf(new PlainParquetConfiguration())
            .withRowGroupSize(ROW_GROUP_BYTES)
            .withEncryption(encryptionProperties(schema, keys))
            .build();
  }

  /**
   * Starts writing a version into {@code directory} (created if absent, and must hold no Parquet
   * file yet), encrypted under the first of {@code keys}. The file is written under a hidden name
   * and takes its final name on {@link #finish()}.
   */
  public static ParquetVersionWriter open(
      Path directory, Schema arrowSchema, List<MasterKey> keys) {
    requireNonNull(directory, "directory is null");
    requireNonNull(arrowSchema, "arrowSchema is null");
    requireNonNull(keys, "keys is null");
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("at least one master key is required");
    }
    DatasetSchema schema = DatasetSchema.fromArrow(arrowSchema);
    Path tempFile = directory.resolve(TEMP_PART_PREFIX + PART_FILE);
    try {
      Files.createDirectories(directory);
      if (Files.exists(directory.resolve(PART_FILE))) {
        throw new ConnectorException(
            ConnectorErrorCode.STORAGE_FAILURE,
            "Parquet directory '" + directory.getFileName() + "' already holds a version");
      }
      Files.deleteIfExists(tempFile);
      return new ParquetVersionWriter(directory, tempFile, arrowSchema, schema, keys);
    } catch (IOException e) {
      throw VersionFiles.failure(
          "cannot start Parquet directory '" + directory.getFileName() + "'", e);
    }
  }

  /** Appends the rows of a batch in the writer's schema; the batch is not kept. */
  public void write(VectorSchemaRoot batch) throws IOException {
    requireNonNull(batch, "batch is null");
    ensureWritable();
    if (!batch.getSchema().equals(arrowSchema)) {
      throw new ConnectorException(
          ConnectorErrorCode.INVALID_ARGUMENT, "batch does not have the schema being written");
    }
    writeSupport.batch = batch;
    try {
      for (int row = 0; row < batch.getRowCount(); row++) {
        writer.write(row);
      }
    } finally {
      writeSupport.batch = null;
    }
    rows += batch.getRowCount();
  }

  /** Writes the encrypted footer, fsyncs the file, gives it its final name and fsyncs the dir. */
  public long finish() {
    ensureWritable();
    finished = true;
    try {
      writer.close();
      try (FileChannel channel = FileChannel.open(tempFile, StandardOpenOption.WRITE)) {
        channel.force(true);
      }
      Files.move(tempFile, directory.resolve(PART_FILE));
      VersionFiles.syncDirectory(directory);
    } catch (IOException e) {
      throw VersionFiles.failure(
          "finishing Parquet directory '" + directory.getFileName() + "' failed", e);
    }
    closed = true;
    return rows;
  }

  /** Without {@link #finish()}, discards the unfinished file. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!finished) {
        writer.close();
      }
    } catch (IOException | RuntimeException e) {
      // Discarded anyway; the caller's failure is the one reported.
    } finally {
      try {
        Files.deleteIfExists(tempFile);
      } catch (IOException e) {
        throw VersionFiles.failure(
            "discarding an unfinished Parquet file in '" + directory.getFileName() + "'", e);
      }
    }
  }

  /**
   * The Spark settings that let Spark read these files: Parquet's crypto factory, the KMS client,
   * and the master key files (first current, the rest retired) both as a Hadoop setting, read by
   * the KMS client on every executor, and as {@code spark.cleanroom.master-key-files}. Reads the
   * key files once, to name them in Parquet's access token (their public ids only).
   */
  public static Map<String, String> sparkSettings(List<Path> masterKeyFiles) {
    Map<String, String> settings = new LinkedHashMap<>();
    readerSettings(masterKeyFiles)
        .forEach((name, value) -> settings.put("spark.hadoop." + name, value));
    settings.put(
        "spark." + MasterKeyKmsClient.MASTER_KEY_FILES,
        settings.get("spark.hadoop." + MasterKeyKmsClient.MASTER_KEY_FILES));
    return settings;
  }

  /**
   * The Hadoop settings of a reader of these files (Spark's are these with {@code spark.hadoop.} in
   * front).
   */
  public static Map<String, String> readerSettings(List<Path> masterKeyFiles) {
    requireNonNull(masterKeyFiles, "masterKeyFiles is null");
    if (masterKeyFiles.isEmpty()) {
      throw new IllegalArgumentException("at least one master key file is required");
    }
    List<MasterKey> keys = new ArrayList<>();
    List<String> paths = new ArrayList<>();
    for (Path file : masterKeyFiles) {
      keys.add(MasterKey.fromFile(file));
      paths.add(file.toAbsolutePath().toString());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(CRYPTO_FACTORY_CLASS, PropertiesDrivenCryptoFactory.class.getName());
    settings.put(KeyToolkit.KMS_CLIENT_CLASS_PROPERTY_NAME, MasterKeyKmsClient.class.getName());
    settings.put(MasterKeyKmsClient.MASTER_KEY_FILES, String.join(",", paths));
    settings.put(KeyToolkit.KEY_ACCESS_TOKEN_PROPERTY_NAME, MasterKeyKmsClient.accessToken(keys));
    return settings;
  }

  /** Through Parquet's key tools, as Spark would write: every key generated and wrapped there. */
  private static FileEncryptionProperties encryptionProperties(
      DatasetSchema schema, List<MasterKey> keys) {
    String currentKeyId = keys.get(0).id();
    Configuration configuration = MasterKeyKmsClient.holdingKeys(keys);
    configuration.set(
        KeyToolkit.KMS_CLIENT_CLASS_PROPERTY_NAME, MasterKeyKmsClient.class.getName());
    configuration.set(
        KeyToolkit.KEY_ACCESS_TOKEN_PROPERTY_NAME, MasterKeyKmsClient.accessToken(keys));
    // Each data key wrapped by the KMS client itself: no key-encryption keys cached by Parquet.
    configuration.setBoolean(KeyToolkit.DOUBLE_WRAPPING_PROPERTY_NAME, false);
    configuration.setBoolean(KeyToolkit.KEY_MATERIAL_INTERNAL_PROPERTY_NAME, true);
    configuration.setInt(KeyToolkit.DATA_KEY_LENGTH_PROPERTY_NAME, 256);
    configuration.set(
        PropertiesDrivenCryptoFactory.ENCRYPTION_ALGORITHM_PROPERTY_NAME,
        ParquetCipher.AES_GCM_V1.name());
    configuration.setBoolean(PropertiesDrivenCryptoFactory.PLAINTEXT_FOOTER_PROPERTY_NAME, false);
    configuration.set(PropertiesDrivenCryptoFactory.FOOTER_KEY_PROPERTY_NAME, currentKeyId);
    // Every column listed, so each gets its own data key; names are plain identifiers.
    configuration.set(
        PropertiesDrivenCryptoFactory.COLUMN_KEYS_PROPERTY_NAME,
        currentKeyId + ":" + String.join(",", schema.names()));
    configuration.setBoolean(
        PropertiesDrivenCryptoFactory.COMPLETE_COLUMN_ENCRYPTION_PROPERTY_NAME, true);
    return new PropertiesDrivenCryptoFactory()
        .getFileEncryptionProperties(configuration, null, null);
  }

  /** The Parquet schema Spark reads: one optional primitive column per declared column. */
  static MessageType parquetSchema(DatasetSchema schema) {
    Types.MessageTypeBuilder message = Types.buildMessage();
    for (int i = 0; i < schema.size(); i++) {
      message.addField(parquetType(schema.column(i).name(), schema.column(i).type()));
    }
    return message.named("cleanroom");
  }

  private static Type parquetType(String name, ColumnType type) {
    return switch (type.kind()) {
      case BIGINT -> Types.optional(PrimitiveTypeName.INT64).named(name);
      case INTEGER -> Types.optional(PrimitiveTypeName.INT32).named(name);
      case DOUBLE -> Types.optional(PrimitiveTypeName.DOUBLE).named(name);
      case BOOLEAN -> Types.optional(PrimitiveTypeName.BOOLEAN).named(name);
      case VARCHAR ->
          Types.optional(PrimitiveTypeName.BINARY)
              .as(LogicalTypeAnnotation.stringType())
              .named(name);
      case DATE ->
          Types.optional(PrimitiveTypeName.INT32).as(LogicalTypeAnnotation.dateType()).named(name);
      case TIMESTAMP ->
          Types.optional(PrimitiveTypeName.INT64)
              .as(LogicalTypeAnnotation.timestampType(false, LogicalTypeAnnotation.TimeUnit.MICROS))
              .named(name);
      case DECIMAL -> decimalType(name, type.precision(), type.scale());
    };
  }

  /** As Spark writes decimals: INT32 up to 9 digits, INT64 up to 18, else the fewest bytes. */
  private static Type decimalType(String name, int precision, int scale) {
    LogicalTypeAnnotation decimal = LogicalTypeAnnotation.decimalType(scale, precision);
    if (precision <= 9) {
      return Types.optional(PrimitiveTypeName.INT32).as(decimal).named(name);
    }
    if (precision <= 18) {
      return Types.optional(PrimitiveTypeName.INT64).as(decimal).named(name);
    }
    return Types.optional(PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY)
        .length(decimalBytes(precision))
        .as(decimal)
        .named(name);
  }

  /** The fewest bytes whose two's complement holds every unscaled value of {@code precision}. */
  static int decimalBytes(int precision) {
    int bytes = 1;
    while (BigDecimal.TEN.pow(precision).toBigInteger().bitLength() + 1 > bytes * 8) {
      bytes++;
    }
    return bytes;
  }

  private void ensureWritable() {
    if (closed || finished) {
      throw new IllegalStateException(
          "Parquet writer is already " + (finished ? "finished" : "closed"));
    }
  }

  private static final class Builder extends ParquetWriter.Builder<Integer, Builder> {
    private final BatchWriteSupport writeSupport;

    Builder(OutputFile file, BatchWriteSupport writeSupport) {
      super(file);
      this.writeSupport = writeSupport;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(Configuration configuration) {
      return writeSupport;
    }

    @Override
    protected WriteSupport<Integer> getWriteSupport(ParquetConfiguration configuration) {
      return writeSupport;
    }
  }

  /** Writes row {@code i} of the current batch; null cells are left out, as Parquet expects. */
  private static final class BatchWriteSupport extends WriteSupport<Integer> {
    private final DatasetSchema schema;
    private final MessageType parquetSchema;
    private final int[] decimalBytes;
    private RecordConsumer consumer;
    private VectorSchemaRoot batch;

    BatchWriteSupport(DatasetSchema schema) {
      this.schema = schema;
      this.parquetSchema = parquetSchema(schema);
      this.decimalBytes = new int[schema.size()];
      for (int i = 0; i < schema.size(); i++) {
        ColumnType type = schema.column(i).type();
        decimalBytes[i] =
            type.kind() == ColumnType.Kind.DECIMAL && type.precision() > 18
                ? decimalBytes(type.precision())
                : 0;
      }
    }

    @Override
    public WriteContext init(Configuration configuration) {
      return new WriteContext(parquetSchema, Map.of());
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
      return new WriteContext(parquetSchema, Map.of());
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
      this.consumer = recordConsumer;
    }

    @Override
    public void write(Integer row) {
      consumer.startMessage();
      for (int c = 0; c < schema.size(); c++) {
        FieldVector vector = batch.getVector(c);
        if (vector.isNull(row)) {
          continue;
        }
        String name = schema.column(c).name();
        consumer.startField(name, c);
        writeValue(c, vector, row);
        consumer.endField(name, c);
      }
      consumer.endMessage();
    }

    private void writeValue(int column, FieldVector vector, int row) {
      ColumnType type = schema.column(column).type();
      switch (type.kind()) {
        case BIGINT -> consumer.addLong(((BigIntVector) vector).get(row));
        case INTEGER -> consumer.addInteger(((IntVector) vector).get(row));
        case DOUBLE -> consumer.addDouble(((Float8Vector) vector).get(row));
        case BOOLEAN -> consumer.addBoolean(((BitVector) vector).get(row) == 1);
        case VARCHAR ->
            consumer.addBinary(Binary.fromConstantByteArray(((VarCharVector) vector).get(row)));
        case DATE -> consumer.addInteger(((DateDayVector) vector).get(row));
        case TIMESTAMP -> consumer.addLong(((TimeStampMicroVector) vector).get(row));
        case DECIMAL -> writeDecimal(column, (DecimalVector) vector, row, type.precision());
      }
    }

    private void writeDecimal(int column, DecimalVector vector, int row, int precision) {
      // Arrow keeps a 128-bit little-endian two's complement; the low 64 bits hold any value of
      // up to 18 digits.
      long low = vector.getDataBuffer().getLong((long) row * DecimalVector.TYPE_WIDTH);
      if (precision <= 9) {
        consumer.addInteger((int) low);
      } else if (precision <= 18) {
        consumer.addLong(low);
      } else {
        byte[] unscaled = vector.getObject(row).unscaledValue().toByteArray();
        byte[] fixed = new byte[decimalBytes[column]];
        byte sign = unscaled[0] < 0 ? (byte) -1 : 0;
        int pad = fixed.length - unscaled.length;
        for (int i = 0; i < pad; i++) {
          fixed[i] = sign;
        }
        System.arraycopy(unscaled, 0, fixed, pad, unscaled.length);
        consumer.addBinary(Binary.fromConstantByteArray(fixed));
      }
    }
  }
}
