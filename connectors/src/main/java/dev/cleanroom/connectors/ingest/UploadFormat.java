package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.util.Locale;

/** The upload formats we read, with the media types the HTTP API uses for them. */
public enum UploadFormat {
  CSV("text/csv"),
  PARQUET("application/vnd.apache.parquet"),
  ARROW_FILE("application/vnd.apache.arrow.file"),
  ARROW_STREAM("application/vnd.apache.arrow.stream");

  private final String mediaType;

  UploadFormat(String mediaType) {
    this.mediaType = mediaType;
  }

  public String mediaType() {
    return mediaType;
  }

  /** The format for a media type (parameters such as {@code charset} ignored). */
  public static UploadFormat fromMediaType(String mediaType) {
    if (mediaType != null) {
      String bare = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
      for (UploadFormat format : values()) {
        if (format.mediaType.equals(bare)) {
          return format;
        }
      }
    }
    throw new ConnectorException(
        ConnectorErrorCode.UNSUPPORTED_FORMAT,
        "unsupported media type; expected text/csv, application/vnd.apache.parquet,"
            + " application/vnd.apache.arrow.file or application/vnd.apache.arrow.stream");
  }
}
