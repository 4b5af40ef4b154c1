package dev.cleanroom.connectors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The module's import rules, checked on the sources: only the crypto package touches Bouncy Castle,
 * and nothing imports the policy module, Quarkus or Jakarta REST.
 */
class ImportRulesTest {
  private static final Path SOURCES = Path.of("src/main/java/dev/cleanroom/connectors");

  @Test
  void bouncyCastle_isImportedOnlyByTheCryptoPackage() throws IOException {
    assertEquals(List.of(), filesImporting("org.bouncycastle", "crypto"));
    // The check itself sees imports: without the exemption it finds the crypto package's.
    assertEquals(false, filesImporting("org.bouncycastle", null).isEmpty());
  }

  @Test
  void policyModuleQuarkusAndJakartaRest_areNeverImported() throws IOException {
    for (String forbidden :
        List.of("dev.cleanroom.querypolicy", "io.quarkus", "jakarta.ws.rs", "jakarta.inject")) {
      assertEquals(List.of(), filesImporting(forbidden, null), forbidden);
    }
  }

  private static List<String> filesImporting(String prefix, String allowedPackage)
      throws IOException {
    List<String> offenders = new ArrayList<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(path -> path.toString().endsWith(".java")).toList()) {
        Path relative = SOURCES.relativize(file);
        if (allowedPackage != null
            && relative.getNameCount() > 1
            && relative.getName(0).toString().equals(allowedPackage)) {
          continue;
        }
        for (String line : Files.readAllLines(file)) {
          String trimmed = line.strip();
          if ((trimmed.startsWith("import " + prefix)
                  || trimmed.startsWith("import static " + prefix))
              || (!trimmed.startsWith("//") && trimmed.contains(prefix + "."))) {
            offenders.add(relative.toString());
            break;
          }
        }
      }
    }
    return offenders;
  }
}
