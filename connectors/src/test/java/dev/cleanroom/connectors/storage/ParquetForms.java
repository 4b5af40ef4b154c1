package dev.cleanroom.connectors.storage;

import dev.cleanroom.connectors.crypto.MasterKey;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.spi.ColumnType;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
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
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;

/**
 * Test helpers for the Parquet form: rows as plain Java values (Long, Integer, Double, Boolean,
 * String, BigDecimal; DATE as Integer days, TIMESTAMP as Long microseconds), into Arrow batches and
 * back out of Parquet files read the way Spark reads them.
 */
final class ParquetForms {
  private ParquetForms() {}

  /** Fills {@code batch} with {@code rows} (null for a NULL cell). */
  static void fill(VectorSchemaRoot batch, DatasetSchema schema, List<List<Object>> rows) {
    batch.allocateNew();
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < schema.size(); c++) {
        set(batch.getVector(c), schema.column(c).type(), r, rows.get(r).get(c));
      }
    }
    batch.setRowCount(rows.size());
  }

  private static void set(FieldVector vector, ColumnType type, int row, Object value) {
    if (value == null) {
      vector.setNull(row);
      return;
    }
    switch (type.kind()) {
      case BIGINT -> ((BigIntVector) vector).setSafe(row, (Long) value);
      case INTEGER -> ((IntVector) vector).setSafe(row, (Integer) value);
      case DOUBLE -> ((Float8Vector) vector).setSafe(row, (Double) value);
      case BOOLEAN -> ((BitVector) vector).setSafe(row, (Boolean) value ? 1 : 0);
      case VARCHAR ->
          ((VarCharVector) vector).setSafe(row, ((String) value).getBytes(StandardCharsets.UTF_8));
      case DATE -> ((DateDayVector) vector).setSafe(row, (Integer) value);
      case TIMESTAMP -> ((TimeStampMicroVector) vector).setSafe(row, (Long) value);
      case DECIMAL -> ((DecimalVector) vector).setSafe(row, (BigDecimal) value);
    }
  }

  /** The rows of loaded Arrow batches, in this class's plain Java values. */
  static List<List<Object>> rows(List<VectorSchemaRoot> batches) {
    List<List<Object>> rows = new ArrayList<>();
    for (VectorSchemaRoot batch : batches) {
      for (int r = 0; r < batch.getRowCount(); r++) {
        List<Object> row = new ArrayList<>();
        for (FieldVector vector : batch.getFieldVectors()) {
          row.add(vector.isNull(r) ? null : value(vector, r));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static Object value(FieldVector vector, int row) {
    if (vector instanceof VarCharVector strings) {
      return new String(strings.get(row), StandardCharsets.UTF_8);
    }
    if (vector instanceof TimeStampMicroVector timestamps) {
      return timestamps.get(row);
    }
    if (vector instanceof DateDayVector dates) {
      return dates.get(row);
    }
    return vector.getObject(row);
  }

  /** The Hadoop configuration a Spark executor has, from the Spark settings given to Spark. */
  static Configuration sparkHadoopConfiguration(List<Path> keyFiles) {
    Configuration configuration = new Configuration(false);
    for (Map.Entry<String, String> setting :
        ParquetVersionWriter.sparkSettings(keyFiles).entrySet()) {
      if (setting.getKey().startsWith("spark.hadoop.")) {
        configuration.set(setting.getKey().substring("spark.hadoop.".length()), setting.getValue());
      }
    }
    return configuration;
  }

  /** Key files of {@code keys}, first current, written into {@code directory}. */
  static List<Path> keyFiles(Path directory, MasterKey... keys) throws IOException {
    List<Path> files = new ArrayList<>();
    for (MasterKey key : keys) {
      Path file = directory.resolve("master-" + key.id() + ".key");
      Files.writeString(file, key.toBase64() + "\n");
      files.add(file);
    }
    return files;
  }

  /**
   * Reads every Parquet file of a version directory through parquet-hadoop's reader on a Hadoop
   * file system, its crypto factory and KMS client chosen by {@code configuration}, as Spark does.
   */
  static List<List<Object>> read(Path versionDirectory, Configuration configuration)
      throws IOException {
    List<List<Object>> rows = new ArrayList<>();
    List<Path> parts;
    try (Stream<Path> files = Files.list(versionDirectory)) {
      parts = files.filter(f -> f.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
    for (Path part : parts) {
      try (ParquetReader<Group> reader =
          ParquetReader.builder(new GroupReadSupport(), new org.apache.hadoop.fs.Path(part.toUri()))
              .withConf(configuration)
              .build()) {
        Group group;
        while ((group = reader.read()) != null) {
          rows.add(values(group));
        }
      }
    }
    return rows;
  }

  private static List<Object> values(Group group) {
    GroupType type = group.getType();
    List<Object> row = new ArrayList<>();
    for (int c = 0; c < type.getFieldCount(); c++) {
      if (group.getFieldRepetitionCount(c) == 0) {
        row.add(null);
        continue;
      }
      var primitive = type.getType(c).asPrimitiveType();
      LogicalTypeAnnotation logical = primitive.getLogicalTypeAnnotation();
      if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation decimal) {
        BigInteger unscaled =
            switch (primitive.getPrimitiveTypeName()) {
              case INT32 -> BigInteger.valueOf(group.getInteger(c, 0));
              case INT64 -> BigInteger.valueOf(group.getLong(c, 0));
              default -> new BigInteger(group.getBinary(c, 0).getBytes());
            };
        row.add(new BigDecimal(unscaled, decimal.getScale()));
        continue;
      }
      row.add(
          switch (primitive.getPrimitiveTypeName()) {
            case INT64 -> group.getLong(c, 0);
            case INT32 -> group.getInteger(c, 0);
            case DOUBLE -> group.getDouble(c, 0);
            case BOOLEAN -> group.getBoolean(c, 0);
            case BINARY -> group.getString(c, 0);
            default -> throw new IllegalStateException("unexpected Parquet type " + primitive);
          });
    }
    return row;
  }
}
