package dev.cleanroom.client.upload;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
