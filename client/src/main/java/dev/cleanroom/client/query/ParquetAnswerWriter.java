package dev.cleanroom.client.query;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes a JSON answer's rows as a Parquet file, one optional column per answer column, typed by
 * the answer's SQL type: integers, doubles, booleans, dates, timestamps (microseconds, no zone) and
 * decimals as themselves, everything else as UTF-8 strings.
 */
final class ParquetAnswerWriter {
  private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);
  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

  private ParquetAnswerWriter() {}

  /** Writes {@code answer}'s columns and rows to {@code file}, which must not exist. */
  static long write(JsonNode answer, Path file) throws IOException {
    List<ColumnKind> kinds = new ArrayList<>();
    Types.MessageTypeBuilder schema = Types.buildMessage();
    for (JsonNode column : answer.path("columns")) {
      ColumnKind kind = ColumnKind.of(column.path("type").asText());
      kinds.add(kind);
      kind.declare(schema, column.path("name").asText());
    }
    MessageType type = schema.named("answer");
    SimpleGroupFactory groups = new SimpleGroupFactory(type);
    long count = 0;
    try (ParquetWriter<Group> writer =
        ExampleParquetWriter.builder(new LocalOutputFile(file))
            .withConf(new PlainParquetConfiguration())
            .withType(type)
            .build()) {
      for (JsonNode row : answer.path("rows")) {
        Group group = groups.newGroup();
        for (int i = 0; i < kinds.size(); i++) {
          JsonNode value = row.get(i);
          if (value != null && !value.isNull()) {
            kinds.get(i).append(group, i, value);
          }
        }
        writer.write(group);
        count++;
      }
    }
    return count;
  }

  /** How one SQL type is stored. */
  private record ColumnKind(String sqlType, int precision, int scale) {
    static ColumnKind of(String sqlType) {
      String type = sqlType.toUpperCase(Locale.ROOT).strip();
      Matcher decimal = DECIMAL.matcher(type);
      if (decimal.matches()) {
        return new ColumnKind(
            "DECIMAL", Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)));
      }
      return new ColumnKind(type, 0, 0);
    }

    void declare(Types.MessageTypeBuilder schema, String name) {
      switch (sqlType) {
        case "BIGINT" -> schema.optional(PrimitiveTypeName.INT64).named(name);
        case "INTEGER", "SMALLINT", "TINYINT" ->
            schema.optional(PrimitiveTypeName.INT32).named(name);
        case "DOUBLE", "FLOAT", "REAL" -> schema.optional(PrimitiveTypeName.DOUBLE).named(name);
        case "BOOLEAN" -> schema.optional(PrimitiveTypeName.BOOLEAN).named(name);
        case "DATE" ->
            schema
                .optional(PrimitiveTypeName.INT32)
                .as(LogicalTypeAnnotation.dateType())
                .named(name);
        case "TIMESTAMP" ->
            schema
                .optional(PrimitiveTypeName.INT64)
                .as(
                    LogicalTypeAnnotation.timestampType(
                        false, LogicalTypeAnnotation.TimeUnit.MICROS))
                .named(name);
        case "DECIMAL" ->
            schema
                .optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.decimalType(scale, precision))
                .named(name);
        default ->
            schema
                .optional(PrimitiveTypeName.BINARY)
                .as(LogicalTypeAnnotation.stringType())
                .named(name);
      }
    }

    void append(Group group, int field, JsonNode value) {
      switch (sqlType) {
        case "BIGINT" -> group.add(field, value.decimalValue().longValueExact());
        case "INTEGER", "SMALLINT", "TINYINT" ->
            group.add(field, value.decimalValue().intValueExact());
        case "DOUBLE", "FLOAT", "REAL" -> group.add(field, value.doubleValue());
        case "BOOLEAN" -> group.add(field, value.booleanValue());
        case "DATE" -> group.add(field, (int) LocalDate.parse(value.asText()).toEpochDay());
        case "TIMESTAMP" ->
            group.add(field, ChronoUnit.MICROS.between(EPOCH, LocalDateTime.parse(value.asText())));
        case "DECIMAL" -> {
          BigDecimal decimal =
              new BigDecimal(value.asText()).setScale(scale, RoundingMode.HALF_EVEN);
          group.add(field, Binary.fromConstantByteArray(decimal.unscaledValue().toByteArray()));
        }
        default -> group.add(field, value.isTextual() ? value.textValue() : value.toString());
      }
    }
  }
}
