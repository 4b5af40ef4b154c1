package dev.cleanroom.client.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The API key never leaves this machine over plain http unless the member says so. */
class ServerApiTransportTest {
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Console console =
      new Console(
          Map.of(),
          new ByteArrayInputStream(new byte[0]),
          new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
          new PrintStream(err, true, StandardCharsets.UTF_8),
          false);

  @Test
  void plainHttpToAnotherMachine_isAUsageErrorThatSaysWhy() {
    ClientException refused =
        assertThrows(
            ClientException.class,
            () -> ServerApi.checkTransport(URI.create("http://192.0.2.7:8080"), false, console));

    assertEquals(ExitStatus.USAGE, refused.exitStatus());
    assertTrue(refused.getMessage().contains("--allow-plain-http"), refused.getMessage());
    assertTrue(refused.getMessage().contains("192.0.2.7"), refused.getMessage());
  }

  @Test
  void plainHttpToAnotherMachine_allowed_warns() {
    ServerApi.checkTransport(URI.create("http://192.0.2.7:8080"), true, console);

    assertTrue(err.toString(StandardCharsets.UTF_8).startsWith("warning: 192.0.2.7"));
  }

  @Test
  void httpsAndLoopback_needNothing() {
    ServerApi.checkTransport(URI.create("https://cleanroom.example"), false, console);
    ServerApi.checkTransport(URI.create("http://localhost:8080"), false, console);
    ServerApi.checkTransport(URI.create("http://127.0.0.1:8080"), false, console);

    assertEquals("", err.toString(StandardCharsets.UTF_8));
  }
}
