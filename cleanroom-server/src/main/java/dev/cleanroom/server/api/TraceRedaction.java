package dev.cleanroom.server.api;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Keeps request paths and query strings out of traces: a path can hold a person's identifier (the
 * unit value of an erasure request), and traces leave the server for the operator's collector. A
 * span keeps its name, which Quarkus builds from the route template ({@code DELETE
 * /api/v1/.../units/{value}}), never from the path as sent.
 */
@ApplicationScoped
public class TraceRedaction implements SpanProcessor {
  static final String REDACTED = "redacted";
  private static final List<AttributeKey<String>> REQUEST_TARGETS =
      List.of(
          AttributeKey.stringKey("url.path"),
          AttributeKey.stringKey("url.query"),
          AttributeKey.stringKey("url.full"),
          AttributeKey.stringKey("http.target"),
          AttributeKey.stringKey("http.url"));

  @Override
  public void onStart(Context parentContext, ReadWriteSpan span) {
    for (AttributeKey<String> key : REQUEST_TARGETS) {
      if (span.getAttribute(key) != null) {
        span.setAttribute(key, REDACTED);
      }
    }
  }

  @Override
  public boolean isStartRequired() {
    return true;
  }

  @Override
  public void onEnd(ReadableSpan span) {}

  @Override
  public boolean isEndRequired() {
    return false;
  }
}
