package dev.cleanroom.connectors.ingest;

/** Told after each batch how far a long upload has got. */
@FunctionalInterface
public interface IngestProgress {
  IngestProgress NONE = (bytes, rows) -> {};

  void onProgress(long bytesRead, long rowsRead);
}
