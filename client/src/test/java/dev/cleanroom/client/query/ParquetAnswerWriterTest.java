package dev.cleanroom.client.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.client.session.ServerApi;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetAnswerWriterTest {
  @TempDir Path directory;

  @Test
  void answer_isWrittenWithItsTypesAndNulls() throws IOException {
    JsonNode answer =
        ServerApi.JSON.readTree(
            """
            {"queryId": "q-1",
             "columns": [{"name": "campaign_id", "type": "VARCHAR"}, {"name": "reach", "type": "BIGINT"},
                         {"name": "spend", "type": "DOUBLE"}, {"name": "day", "type": "DATE"},
                         {"name": "ts", "type": "TIMESTAMP"}, {"name": "clicked", "type": "BOOLEAN"},
                         {"name": "amount", "type": "DECIMAL(10,2)"}, {"name": "weeks", "type": "INTEGER"}],
             "rows": [["c1", 1180, 12.5, "2026-01-02", "2026-01-02T03:04:05.000006", true, 12.34, 3],
                      [null, 960, null, null, null, null, null, null]],
             "privacy": {"epsilonSpent": 0.5}}
            """);
    Path file = directory.resolve("answer.parquet");

    long rows = ParquetAnswerWriter.write(answer, file);

    assertEquals(2, rows);
    List<Group> groups = new ArrayList<>();
    MessageType schema;
    try (ParquetFileReader reader =
        ParquetFileReader.open(
            new LocalInputFile(file),
            ParquetReadOptions.builder(new PlainParquetConfiguration()).build())) {
      schema = reader.getFooter().getFileMetaData().getSchema();
      PageReadStore pages;
      while ((pages = reader.readNextRowGroup()) != null) {
        RecordReader<Group> records =
            new ColumnIOFactory()
                .getColumnIO(schema)
                .getRecordReader(pages, new GroupRecordConverter(schema));
        for (long i = 0; i < pages.getRowCount(); i++) {
          groups.add(records.read());
        }
      }
    }
    assertEquals(
        PrimitiveTypeName.INT64, schema.getType("reach").asPrimitiveType().getPrimitiveTypeName());
    assertEquals(
        LogicalTypeAnnotation.dateType(), schema.getType("day").getLogicalTypeAnnotation());
    assertEquals(
        LogicalTypeAnnotation.decimalType(2, 10),
        schema.getType("amount").getLogicalTypeAnnotation());
    Group first = groups.get(0);
    assertEquals("c1", first.getString("campaign_id", 0));
    assertEquals(1180L, first.getLong("reach", 0));
    assertEquals(12.5, first.getDouble("spend", 0));
    assertEquals(LocalDate.of(2026, 1, 2).toEpochDay(), first.getInteger("day", 0));
    assertEquals(
        LocalDate.of(2026, 1, 2).toEpochDay() * 86_400_000_000L
            + (3 * 3600 + 4 * 60 + 5) * 1_000_000L
            + 6,
        first.getLong("ts", 0));
    assertEquals(true, first.getBoolean("clicked", 0));
    assertEquals(
        new BigDecimal("12.34"),
        new BigDecimal(new BigInteger(first.getBinary("amount", 0).getBytes()), 2));
    assertEquals(3, first.getInteger("weeks", 0));
    Group second = groups.get(1);
    assertEquals(960L, second.getLong("reach", 0));
    assertEquals(0, second.getFieldRepetitionCount("campaign_id"), "NULL stays NULL");
    assertEquals(0, second.getFieldRepetitionCount("spend"));
    assertFalse(groups.size() > 2);
  }
}
