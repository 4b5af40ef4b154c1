package dev.cleanroom.server.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.cleanroom.querypolicy.PolicyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.util.Comparator;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure into problem+json. Details come from our own messages (identifiers only) or
 * are fixed sentences; a parser's or engine's own message is never passed on, since it could quote
 * input.
 */
public class ProblemMappers {
  private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

  @ServerExceptionMapper
  public Response server(ServerException e) {
    if (e.code() == ServerErrorCode.INTERNAL) {
      LOG.errorf(e, "event=internal_error code=%s", e.code());
    }
    return Problem.of(e).toResponse();
  }

  @ServerExceptionMapper
  public Response policy(PolicyException e) {
    return PolicyProblems.toProblem(e).toResponse();
  }

  @ServerExceptionMapper
  public Response unknownField(UnrecognizedPropertyException e) {
    return Problem.of(
            ServerErrorCode.MALFORMED_REQUEST,
            "unknown field '" + e.getPropertyName() + "'" + location(e))
        .toResponse();
  }

  @ServerExceptionMapper
  public Response invalidFormat(InvalidFormatException e) {
    return Problem.of(
            ServerErrorCode.MALFORMED_REQUEST,
            "field " + path(e) + " has the wrong type; expected " + typeName(e))
        .toResponse();
  }

  @ServerExceptionMapper
  public Response mismatched(MismatchedInputException e) {
    String field = path(e);
    return Problem.of(
            ServerErrorCode.MALFORMED_REQUEST,
            field.isEmpty()
                ? "the body does not have the expected shape"
                : "field " + field + " is missing or has the wrong type")
        .toResponse();
  }

  @ServerExceptionMapper
  public Response mapping(JsonMappingException e) {
    Throwable cause = e.getCause();
    if (cause instanceof ServerException server) {
      return server(server);
    }
    if (cause instanceof IllegalArgumentException || cause instanceof NullPointerException) {
      // Our request records validate in their constructors; their messages name fields only.
      return Problem.of(ServerErrorCode.MALFORMED_REQUEST, cause.getMessage()).toResponse();
    }
    String field = path(e);
    return Problem.of(
            ServerErrorCode.MALFORMED_REQUEST,
            field.isEmpty() ? "the body is not valid" : "field " + field + " is not valid")
        .toResponse();
  }

  @ServerExceptionMapper
  public Response json(JsonProcessingException e) {
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    return Problem.of(ServerErrorCode.MALFORMED_REQUEST, "the body is not valid JSON" + where)
        .toResponse();
  }

  @ServerExceptionMapper
  public Response constraint(ConstraintViolationException e) {
    String detail =
        e.getConstraintViolations().stream()
            .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
            .map(ProblemMappers::describe)
            .collect(Collectors.joining("; "));
    return Problem.of(ServerErrorCode.MALFORMED_REQUEST, detail).toResponse();
  }

  @ServerExceptionMapper
  public Response notFound(NotFoundException e) {
    return Problem.of(ServerErrorCode.NOT_FOUND, "no such resource").toResponse();
  }

  @ServerExceptionMapper
  public Response notSupported(NotSupportedException e) {
    return Problem.of(
            ServerErrorCode.UNSUPPORTED_MEDIA_TYPE, "this content type is not accepted here")
        .toResponse();
  }

  @ServerExceptionMapper
  public Response notAllowed(NotAllowedException e) {
    return Problem.of(ServerErrorCode.METHOD_NOT_ALLOWED, "this method is not allowed here")
        .toResponse();
  }

  @ServerExceptionMapper
  public Response notAcceptable(NotAcceptableException e) {
    return Problem.of(
            ServerErrorCode.NOT_ACCEPTABLE, "none of the accepted media types can be produced")
        .toResponse();
  }

  @ServerExceptionMapper
  public Response web(WebApplicationException e) {
    // The JSON reader wraps Jackson's exceptions in a 400; answer from the cause, naming fields.
    Throwable cause = e.getCause();
    if (cause instanceof UnrecognizedPropertyException unknown) {
      return unknownField(unknown);
    }
    if (cause instanceof InvalidFormatException invalid) {
      return invalidFormat(invalid);
    }
    if (cause instanceof MismatchedInputException mismatched) {
      return mismatched(mismatched);
    }
    if (cause instanceof JsonMappingException mapping) {
      return mapping(mapping);
    }
    if (cause instanceof JsonProcessingException json) {
      return json(json);
    }
    if (cause instanceof ServerException server) {
      return server(server);
    }
    int status = e.getResponse().getStatus();
    for (ServerErrorCode code : ServerErrorCode.values()) {
      if (code.status() == status) {
        return Problem.of(code, code.title().toLowerCase(java.util.Locale.ROOT)).toResponse();
      }
    }
    return status >= 500
        ? unexpected(e)
        : Problem.of(ServerErrorCode.MALFORMED_REQUEST, "the request cannot be processed")
            .toResponse();
  }

  @ServerExceptionMapper
  public Response unexpected(Throwable e) {
    // The client learns nothing about internals; the log has the stack trace (no request data).
    LOG.errorf(e, "event=unexpected_error type=%s", e.getClass().getName());
    return Problem.of(ServerErrorCode.INTERNAL, "an unexpected error occurred").toResponse();
  }

  private static String describe(ConstraintViolation<?> violation) {
    String path = violation.getPropertyPath().toString();
    int dot = path.lastIndexOf('.');
    // Method-parameter paths look like "create.request.name"; the last two parts name the field.
    int previous = dot > 0 ? path.lastIndexOf('.', dot - 1) : -1;
    String field = previous >= 0 ? path.substring(previous + 1) : path;
    return "'" + field + "' " + violation.getMessage();
  }

  private static String path(JsonMappingException e) {
    String joined =
        e.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
    return joined.isEmpty() ? "" : "'" + joined + "'";
  }

  private static String typeName(InvalidFormatException e) {
    Class<?> target = e.getTargetType();
    return target == null ? "another type" : target.getSimpleName();
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }
}
