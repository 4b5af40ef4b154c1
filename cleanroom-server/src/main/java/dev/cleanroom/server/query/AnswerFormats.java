package dev.cleanroom.server.query;

/** The media types an answer can be downloaded as (content negotiation on {@code Accept}). */
public final class AnswerFormats {
  public static final String JSON = "application/json";
  public static final String CSV = "text/csv";
  public static final String ARROW_STREAM = "application/vnd.apache.arrow.stream";
  public static final String ARROW_FILE = "application/vnd.apache.arrow.file";

  private AnswerFormats() {}
}
