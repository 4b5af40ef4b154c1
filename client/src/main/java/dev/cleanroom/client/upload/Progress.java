package dev.cleanroom.client.upload;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Bytes sent of a total, on stderr: a bar redrawn in place (at most every 100 ms) when a person
 * watches, and only the final line otherwise, so logs of scripts stay readable.
 */
final class Progress {
  private static final int BAR_WIDTH = 30;
  private static final long REDRAW_NANOS = 100_000_000L;

  private final PrintStream err;
  private final long total;
  private final boolean redraw;
  private long sent;
  private long lastDrawn = Long.MIN_VALUE;
  private int drawnLength;

  Progress(PrintStream err, long total, boolean redraw) {
    this.err = err;
    this.total = total;
    this.redraw = redraw;
  }

  synchronized void advance(long bytes) {
    sent += bytes;
    long now = System.nanoTime();
    if (redraw && (lastDrawn == Long.MIN_VALUE || now - lastDrawn >= REDRAW_NANOS)) {
      lastDrawn = now;
      draw();
    }
  }

  synchronized void finish() {
    if (redraw) {
      draw();
      err.println();
    }
    err.println("sent " + size(sent) + " (" + sent + " bytes)");
  }

  /** Redraws the line in place, blanking what a longer previous line left behind. */
  private void draw() {
    String line = bar(sent, total);
    err.print('\r' + line + " ".repeat(Math.max(0, drawnLength - line.length())));
    err.flush();
    drawnLength = line.length();
  }

  /** {@code [=========> ] 12.0 MiB / 40.0 MiB 30%}. */
  static String bar(long sent, long total) {
    int percent = total <= 0 ? 100 : (int) Math.min(100, sent * 100 / total);
    int filled = percent * BAR_WIDTH / 100;
    StringBuilder bar = new StringBuilder("[");
    bar.append("=".repeat(filled));
    if (filled < BAR_WIDTH) {
      bar.append('>').append(" ".repeat(BAR_WIDTH - filled - 1));
    }
    return bar.append("] ")
        .append(size(sent))
        .append(" / ")
        .append(size(total))
        .append(String.format(Locale.ROOT, " %3d%%", percent))
        .toString();
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    double value = bytes;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
