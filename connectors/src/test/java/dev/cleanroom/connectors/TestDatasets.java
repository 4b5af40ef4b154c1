package dev.cleanroom.connectors;

import dev.cleanroom.connectors.dataset.ColumnDefinition;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import dev.cleanroom.connectors.dataset.IngestRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Set;

/** The declaration and rules the ingest fixtures under {@code src/test/resources/ingest} follow. */
public final class TestDatasets {
  private TestDatasets() {}

  public static DatasetSchema customers() {
    return DatasetSchema.of(
        ColumnDefinition.of("customer_id", "BIGINT"),
        ColumnDefinition.of("email_hash", "VARCHAR"),
        ColumnDefinition.of("zip", "VARCHAR"),
        ColumnDefinition.of("age", "INTEGER"),
        ColumnDefinition.of("lifetime_spend", "DOUBLE"),
        ColumnDefinition.of("balance", "DECIMAL(10,2)"),
        ColumnDefinition.of("opted_out", "BOOLEAN"),
        ColumnDefinition.of("birthday", "DATE"),
        ColumnDefinition.of("joined", "TIMESTAMP"));
  }

  public static IngestRules customerRules() {
    return new IngestRules(
        Set.of("customer_id"),
        Set.of("customer_id"),
        Set.of("email_hash"),
        Set.of("lifetime_spend"),
        IngestRules.DEFAULT_MAX_UPLOAD_BYTES);
  }

  public static InputStream resource(String path) {
    InputStream in = TestDatasets.class.getResourceAsStream("/" + path);
    if (in == null) {
      throw new UncheckedIOException(new IOException("no test resource " + path));
    }
    return in;
  }
}
