package dev.cleanroom.server.problem;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;

/**
 * An RFC 9457 problem document, the body of every error answer.
 *
 * @param violations for policy violations only: every rule the query broke
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Problem(
    String type, String title, int status, String detail, String code, List<Violation> violations) {

  public static final String TYPE_BASE = "https://cleanroom.dev/problems/";
  public static final String MEDIA_TYPE = "application/problem+json";
  public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);

  public Problem {
    requireNonNull(type, "type is null");
    requireNonNull(title, "title is null");
    violations = violations == null ? null : List.copyOf(violations);
  }

  /** One broken policy rule, as DESIGN.md shows it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Violation(
      String code,
      String path,
      String column,
      Integer line,
      @com.fasterxml.jackson.annotation.JsonProperty("column_number") Integer columnNumber,
      String message) {}

  public static Problem of(ServerErrorCode code, String detail) {
    return new Problem(code.type(), code.title(), code.status(), detail, code.name(), null);
  }

  /** The problem a server exception stands for, with its violations if it has any. */
  public static Problem of(ServerException e) {
    ServerErrorCode code = e.code();
    return new Problem(
        code.type(),
        code.title(),
        code.status(),
        e.getMessage(),
        code.name(),
        e.violations().isEmpty() ? null : e.violations());
  }

  public Response toResponse() {
    return Response.status(status).type(MEDIA).entity(this).build();
  }
}
