package dev.cleanroom.server.scaleout;

import java.util.Optional;

/**
 * Where a stored dataset version's encrypted Parquet form is, for an engine outside the server's
 * process: a URI its workers read, or empty when the version has no complete Parquet form.
 */
@FunctionalInterface
public interface ParquetVersions {
  Optional<String> location(String storageId, long version);
}
