package dev.cleanroom.server.startup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The real server, started with the production checks on and the test profile's unsafe settings (a
 * short operator key, no master key, no TLS), refuses to start and says why.
 *
 * <p>The launched main starts its own embedded database under {@code cleanroom-server/data} (git
 * ignores it): it reads the data directory from system properties and the environment only.
 */
@QuarkusMainTest
@TestProfile(ProductionStartupTest.UnsafeProduction.class)
class ProductionStartupTest {

  /** The test settings, checked as production would check them. */
  public static class UnsafeProduction implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
      return Map.of("cleanroom.production-checks", "true");
    }
  }

  @Test
  @Launch(
      value = {},
      exitCode = 1)
  void unsafeSettings_serverRefusesToStartAndNamesEveryReason(LaunchResult result) {
    String output = result.getOutput() + "\n" + result.getErrorOutput();
    assertEquals(1, result.exitCode());
    assertTrue(output.contains("refusing to start in production"), output);
    assertTrue(output.contains("no master key"), output);
    assertTrue(output.contains("cleanroom.operator-key is shorter than 32 characters"), output);
    assertTrue(output.contains("no TLS"), output);
  }
}
