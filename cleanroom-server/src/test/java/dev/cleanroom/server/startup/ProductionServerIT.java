package dev.cleanroom.server.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cleanroom.server.store.EmbeddedDatabase;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server under the prod profile, with every production setting given (a PostgreSQL
 * server of its own, a master key, a long operator key, TLS at a proxy): it starts, it logs one
 * JSON object a line, and no key it was given appears in what it logs.
 */
class ProductionServerIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path temp;

  @Test
  void prodProfile_startsWithSafeSettings_andLogsJsonWithoutSecrets() throws Exception {
    SecureRandom random = new SecureRandom();
    byte[] masterKey = new byte[32];
    random.nextBytes(masterKey);
    String masterKeyText = Base64.getEncoder().encodeToString(masterKey);
    String operatorKey = "op-" + Base64.getUrlEncoder().withoutPadding().encodeToString(masterKey);
    try (EmbeddedDatabase database = EmbeddedDatabase.start(null)) {
      List<String> settings =
          new java.util.ArrayList<>(
              database.datasourceProperties().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .toList());
      settings.add("cleanroom.master-key=" + masterKeyText);
      settings.add("cleanroom.operator-key=" + operatorKey);
      settings.add("cleanroom.tls.behind-proxy=true");
      try (ServerProcess server =
          ServerProcess.start(temp.resolve("data"), "prod", settings.toArray(String[]::new))) {
        server.awaitReady(Duration.ofSeconds(120));
        assertEquals(401, server.get("/api/v1/collaborations/nothing", null).statusCode());
        // Authenticated by the operator key (not 401), though the operator is no member.
        assertEquals(403, server.get("/api/v1/collaborations/nothing", operatorKey).statusCode());

        String output = server.output();
        List<String> lines = output.lines().filter(line -> !line.isBlank()).toList();
        assertFalse(lines.isEmpty());
        for (String line : lines) {
          JsonNode event = JSON.readTree(line);
          assertTrue(event.isObject(), line);
          assertTrue(event.hasNonNull("level"), line);
          assertTrue(event.hasNonNull("message"), line);
        }
        assertTrue(
            lines.stream().anyMatch(line -> line.contains("Listening on")), "logs its start");
        assertFalse(output.contains(operatorKey), "the operator key is logged");
        assertFalse(output.contains(masterKeyText), "the master key is logged");
      }
    }
  }
}
