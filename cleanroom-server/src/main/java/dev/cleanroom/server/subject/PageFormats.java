package dev.cleanroom.server.subject;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How the subject page writes what a person reads: times to the minute, in UTC. */
@TemplateExtension
final class PageFormats {
  private static final DateTimeFormatter MINUTE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private PageFormats() {}

  /** {@code {time.readable}}: {@code 2026-12-05 09:09 UTC}. */
  static String readable(Instant time) {
    return MINUTE.format(time);
  }
}
