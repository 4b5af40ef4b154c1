package dev.cleanroom.client.upload;

import dev.cleanroom.client.session.ClientException;
import java.nio.file.Path;
import java.util.Locale;

/** The upload formats the server reads, with the content type each is sent as. */
enum UploadFormat {
  CSV("text/csv"),
  PARQUET("application/vnd.apache.parquet"),
  ARROW_FILE("application/vnd.apache.arrow.file"),
  ARROW_STREAM("application/vnd.apache.arrow.stream");

  private final String contentType;

  UploadFormat(String contentType) {
    this.contentType = contentType;
  }

  String contentType() {
    return contentType;
  }

  /** By extension: .csv, .parquet, .arrow (IPC file), .arrows (IPC stream). */
  static UploadFormat of(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".parquet")) {
      return PARQUET;
    }
    if (name.endsWith(".arrow") || name.endsWith(".feather")) {
      return ARROW_FILE;
    }
    if (name.endsWith(".arrows")) {
      return ARROW_STREAM;
    }
    throw ClientException.usage(
        "cannot tell the format of '"
            + file.getFileName()
            + "' from its extension (.csv, .parquet, .arrow, .arrows); give --format");
  }
}
