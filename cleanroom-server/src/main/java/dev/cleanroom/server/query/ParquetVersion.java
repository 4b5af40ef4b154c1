package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.engine.ParquetTableData;
import org.apache.arrow.vector.types.pojo.Schema;

/** A dataset version's encrypted Parquet form, as the scale-out engine reads it. */
record ParquetVersion(Schema schema, String location) implements ParquetTableData {
  ParquetVersion {
    requireNonNull(schema, "schema is null");
    requireNonNull(location, "location is null");
  }
}
