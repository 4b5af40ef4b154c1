package dev.cleanroom.server.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.cleanroom.server.Api;
import dev.cleanroom.server.Api.Collaboration;
import dev.cleanroom.server.LibraryProducers;
import dev.cleanroom.server.store.Jdbc;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/**
 * The start-up check of the contribution key, run against the real metadata store this server
 * started with: the key it started with passes, another key is refused unless the rotation is asked
 * for, and an asked-for rotation is audited in every collaboration's chain.
 */
@QuarkusTest
class ContributionKeyGuardTest {
  private static final Optional<String> OTHER_KEY =
      Optional.of(Base64.getEncoder().encodeToString("another-16-bytes".getBytes()));

  @Inject Jdbc jdbc;

  @ConfigProperty(name = "cleanroom.data-dir")
  String dataDir;

  @ConfigProperty(name = "cleanroom.contribution-key")
  Optional<String> configured;

  @Test
  void anotherContributionKey_refusedUnlessRotated_andTheRotationIsAudited() {
    Collaboration room = Api.newCollaboration();
    ContributionKeyGuard guard = new ContributionKeyGuard();
    Optional<String> startedWith =
        Optional.of(
            Base64.getEncoder()
                .encodeToString(LibraryProducers.contributionKeyBytes(dataDir, configured)));

    guard.onStart(null, jdbc, dataDir, startedWith, false);
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> guard.onStart(null, jdbc, dataDir, OTHER_KEY, false));
    assertEquals(
        "refusing to start: cleanroom.contribution-key is not the key this server's metadata was"
            + " used with. A new key re-picks every person's kept groups (docs/OPERATIONS.md);"
            + " restore the old key, or set cleanroom.contribution-key.rotate=true to rotate it"
            + " on purpose",
        refused.getMessage());
    assertEquals(List.of(), room.auditEvents("CONTRIBUTION_KEY_ROTATED"));

    try {
      guard.onStart(null, jdbc, dataDir, OTHER_KEY, true);

      List<Map<String, Object>> events = room.auditEvents("CONTRIBUTION_KEY_ROTATED");
      assertEquals(1, events.size());
      assertEquals("server", events.get(0).get("actor"));
      assertFalse(
          room.as("privacy").get(room.path() + "/audit").asString().contains(OTHER_KEY.get()));
      assertThrows(
          IllegalStateException.class,
          () -> guard.onStart(null, jdbc, dataDir, startedWith, false),
          "after a rotation the old key is the other one");
    } finally {
      // Back to the key the running server uses.
      guard.onStart(null, jdbc, dataDir, startedWith, true);
    }
    room.as("privacy")
        .get(room.path() + "/audit/verify")
        .then()
        .statusCode(200)
        .body("valid", org.hamcrest.Matchers.equalTo(true));
  }
}
