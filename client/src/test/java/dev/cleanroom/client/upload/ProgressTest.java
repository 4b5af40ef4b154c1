package dev.cleanroom.client.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void bar_showsBytesOfTotalAndPercent() {
    assertEquals(
        "[=========>                    ] 12.0 MiB / 40.0 MiB  30%",
        Progress.bar(12L * 1024 * 1024, 40L * 1024 * 1024));
    assertEquals(
        "[==============================] 2.0 KiB / 2.0 KiB 100%", Progress.bar(2048, 2048));
    assertEquals("[==============================] 0 B / 0 B 100%", Progress.bar(0, 0));
  }

  @Test
  void watched_redrawsInPlaceAndBlanksTheRestOfALongerLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress progress =
        new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 2L << 20, true);

    progress.advance(1_048_476); // 1023.9 KiB
    progress.advance(100); // within 100 ms of the last redraw: not drawn
    progress.finish();

    String first = "[==============>               ] 1023.9 KiB / 2.0 MiB  49%";
    String last = "[===============>              ] 1.0 MiB / 2.0 MiB  50%";
    assertEquals(
        "\r"
            + first
            + "\r"
            + last
            + " ".repeat(first.length() - last.length())
            + System.lineSeparator()
            + "sent 1.0 MiB (1048576 bytes)"
            + System.lineSeparator(),
        bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void unwatched_printsOnlyTheFinalLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress progress =
        new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), 3000, false);

    progress.advance(1000);
    progress.advance(2000);
    progress.finish();

    assertEquals(
        "sent 2.9 KiB (3000 bytes)" + System.lineSeparator(),
        bytes.toString(StandardCharsets.UTF_8));
  }
}
