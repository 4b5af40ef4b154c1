package dev.cleanroom.connectors.ingest;

/** What an accepted upload held. */
public record IngestSummary(long rows, long bytes) {
  public IngestSummary {
    if (rows < 0 || bytes < 0) {
      throw new IllegalArgumentException("rows and bytes must not be negative");
    }
  }
}
