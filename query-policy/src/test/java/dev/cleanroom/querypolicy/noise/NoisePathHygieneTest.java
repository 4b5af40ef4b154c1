package dev.cleanroom.querypolicy.noise;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The noise path's main code never uses a predictable or floating-point random source. */
class NoisePathHygieneTest {

  private static final Path MAIN =
      Path.of("src", "main", "java", "dev", "cleanroom", "querypolicy");
  private static final List<String> FORBIDDEN =
      List.of(
          "java.util.Random",
          "SplittableRandom",
          "ThreadLocalRandom",
          "Math.random",
          "nextGaussian",
          "nextDouble");

  @Test
  void noiseAndReleaseSources_useNoInsecureRandomness() throws IOException {
    List<String> offenders;
    try (Stream<Path> files =
        Stream.of("noise", "release", "budget")
            .map(MAIN::resolve)
            .flatMap(NoisePathHygieneTest::walk)) {
      offenders =
          files
              .filter(file -> file.toString().endsWith(".java"))
              .flatMap(
                  file ->
                      FORBIDDEN.stream()
                          .filter(word -> read(file).contains(word))
                          .map(word -> file.getFileName() + " uses " + word))
              .toList();
    }
    assertEquals(List.of(), offenders);
  }

  private static Stream<Path> walk(Path directory) {
    try {
      return Files.walk(directory);
    } catch (IOException e) {
      throw new IllegalStateException("cannot list " + directory, e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + file, e);
    }
  }
}
