package dev.cleanroom.client.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.client.session.ServerApi;
import java.util.function.Consumer;

/** Reads a collaboration's audit events page by page ({@code after}, {@code next}). */
final class AuditPages {
  static final int PAGE_SIZE = 1000;

  private final ServerApi api;
  private Long collaborationId;

  AuditPages(ServerApi api) {
    this.api = api;
  }

  /**
   * Hands every event after {@code after}, oldest first, to {@code consumer}, at most {@code limit}
   * of them; answers how many it handed.
   */
  long read(long after, long limit, Consumer<AuditEvent> consumer) {
    long handed = 0;
    Long cursor = after;
    while (cursor != null && handed < limit) {
      int size = (int) Math.min(PAGE_SIZE, limit - handed);
      JsonNode page = api.getJson("/audit?after=" + cursor + "&limit=" + size);
      JsonNode id = page.get("collaborationId");
      if (id == null || !id.canConvertToLong()) {
        throw new ClientException(
            ExitStatus.UNAVAILABLE,
            "the server's audit page has no collaborationId (a server older than this client)");
      }
      if (collaborationId != null && collaborationId != id.asLong()) {
        throw new ClientException(
            ExitStatus.UNAVAILABLE, "the audit pages name two different collaborations");
      }
      collaborationId = id.asLong();
      for (JsonNode event : page.path("events")) {
        consumer.accept(AuditEvent.fromJson(event));
        handed++;
      }
      JsonNode next = page.get("next");
      cursor = next == null || next.isNull() ? null : next.asLong();
    }
    return handed;
  }

  /** The collaboration's internal number, known once a page was read. */
  long collaborationId() {
    if (collaborationId == null) {
      throw new IllegalStateException("no page read yet");
    }
    return collaborationId;
  }
}
