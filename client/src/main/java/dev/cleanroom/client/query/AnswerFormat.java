package dev.cleanroom.client.query;

import dev.cleanroom.client.session.ClientException;
import java.nio.file.Path;
import java.util.Locale;

/** The file formats an answer can be written as. */
enum AnswerFormat {
  /** Downloaded as the server writes it ({@code text/csv}). */
  CSV("text/csv"),
  /** Downloaded as the server writes it (Arrow IPC file). */
  ARROW("application/vnd.apache.arrow.file"),
  /** Written here from the JSON answer: the server does not speak Parquet. */
  PARQUET("application/json");

  private final String accept;

  AnswerFormat(String accept) {
    this.accept = accept;
  }

  /** What the server is asked for. */
  String accept() {
    return accept;
  }

  static AnswerFormat of(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".parquet")) {
      return PARQUET;
    }
    if (name.endsWith(".arrow") || name.endsWith(".feather")) {
      return ARROW;
    }
    throw ClientException.usage(
        "cannot tell the format of '"
            + file.getFileName()
            + "' from its extension (.csv, .parquet, .arrow); give --format");
  }
}
