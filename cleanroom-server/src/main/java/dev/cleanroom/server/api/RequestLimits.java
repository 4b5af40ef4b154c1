package dev.cleanroom.server.api;

import dev.cleanroom.server.problem.Problem;
import dev.cleanroom.server.problem.ServerErrorCode;
import dev.cleanroom.server.problem.ServerException;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Bounds request bodies before anything reads them: JSON bodies by {@code
 * cleanroom.json.max-bytes}, uploads by {@code cleanroom.upload.max-bytes}. A declared length over
 * the bound is refused at once; a chunked body is cut off when it crosses the bound.
 */
public class RequestLimits {
  private final long jsonMaxBytes;
  private final long uploadMaxBytes;

  @Inject
  public RequestLimits(
      @ConfigProperty(name = "cleanroom.json.max-bytes") long jsonMaxBytes,
      @ConfigProperty(name = "cleanroom.upload.max-bytes") long uploadMaxBytes) {
    this.jsonMaxBytes = jsonMaxBytes;
    this.uploadMaxBytes = uploadMaxBytes;
  }

  @ServerRequestFilter(preMatching = true)
  public Optional<Response> limit(ContainerRequestContext request) {
    MediaType type = request.getMediaType();
    boolean json = type == null || type.isCompatible(MediaType.APPLICATION_JSON_TYPE);
    long max = json ? jsonMaxBytes : uploadMaxBytes;
    String declared = request.getHeaderString(HttpHeaders.CONTENT_LENGTH);
    if (declared != null) {
      try {
        if (Long.parseLong(declared.trim()) > max) {
          return Optional.of(tooLarge(max));
        }
      } catch (NumberFormatException e) {
        return Optional.of(
            Problem.of(ServerErrorCode.MALFORMED_REQUEST, "Content-Length is not a number")
                .toResponse());
      }
    }
    if (request.hasEntity()) {
      request.setEntityStream(new BoundedInputStream(request.getEntityStream(), max));
    }
    return Optional.empty();
  }

  private static Response tooLarge(long max) {
    return Problem.of(
            ServerErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + max + " bytes")
        .toResponse();
  }

  /** Fails with 413 once more than {@code max} bytes have been read. */
  static final class BoundedInputStream extends FilterInputStream {
    private final long max;
    private long read;

    BoundedInputStream(InputStream in, long max) {
      super(in);
      this.max = max;
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) {
        count(1);
      }
      return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
      int n = super.read(buffer, offset, length);
      if (n > 0) {
        count(n);
      }
      return n;
    }

    private void count(int n) {
      read += n;
      if (read > max) {
        throw new ServerException(
            ServerErrorCode.PAYLOAD_TOO_LARGE, "the body is larger than " + max + " bytes");
      }
    }
  }
}
