package dev.cleanroom.connectors.ingest;

import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Receives validated batches in the declared schema. The batch is reused after {@code accept}
 * returns, so a sink that keeps data must copy or unload it first.
 */
@FunctionalInterface
public interface BatchSink {
  void accept(VectorSchemaRoot batch) throws IOException;
}
