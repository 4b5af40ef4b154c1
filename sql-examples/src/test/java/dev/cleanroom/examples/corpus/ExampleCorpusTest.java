package dev.cleanroom.examples.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.cleanroom.engine.Engine;
import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.Pipeline;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every example file under examples/ against the fixtures and the demo policies, on the
 * reference engine.
 */
class ExampleCorpusTest {
  private static final ContributionKey KEY =
      ContributionKey.of("example-corpus-k".getBytes(StandardCharsets.US_ASCII));

  @RegisterExtension static final TestAllocator MEMORY = new TestAllocator();

  private static Map<TableName, InMemoryTable> fixtures;
  private static Pipeline pipeline;
  private static Engine engine;

  @BeforeAll
  static void loadFixtures() {
    fixtures = FixtureCatalog.tables(InMemoryTable.DEFAULT_BATCH_ROWS, MEMORY.allocator());
    pipeline =
        new Pipeline(
            new AnalysisContext(
                FixtureCatalog.catalog(fixtures),
                FixtureCatalog.policies(),
                "advertiser",
                KEY,
                FixtureCatalog.PURPOSE));
    engine = new ReferenceEngine(MEMORY.allocator());
  }

  @AfterAll
  static void closeFixtures() {
    fixtures.values().forEach(InMemoryTable::close);
  }

  static Stream<ExampleCase> cases() throws IOException, URISyntaxException {
    Path directory =
        Path.of(ExampleCorpusTest.class.getClassLoader().getResource("examples").toURI());
    List<ExampleCase> cases;
    try (Stream<Path> files = Files.list(directory)) {
      cases =
          files
              .filter(p -> p.getFileName().toString().endsWith(".case"))
              .sorted()
              .map(
                  p -> {
                    try {
                      return ExampleCase.read(p);
                    } catch (IOException e) {
                      throw new IllegalStateException(e);
                    }
                  })
              .toList();
    }
    return cases.stream();
  }

  @Test
  void corpus_hasAtLeastEightyCases() throws IOException, URISyntaxException {
    assertTrue(cases().count() >= 80, "the corpus has " + cases().count() + " cases");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void example_hasItsExpectedOutcome(ExampleCase example) {
    AnalysisResult result;
    try {
      result = pipeline.forAnalyst(example.analyst()).analyze(example.sql());
    } catch (PolicyException e) {
      if (example.error() == null) {
        fail(example.name() + ": unexpected " + e.code() + ": " + e.getMessage(), e);
      }
      assertEquals(example.error(), e.code().name(), e.getMessage());
      return;
    }
    if (example.error() != null) {
      fail(example.name() + ": expected error " + example.error() + " but got " + result);
    }
    if (result instanceof AnalysisResult.Rejected rejected) {
      if (example.violations() == null) {
        fail(example.name() + ": unexpected rejection " + rejected.violations());
      }
      assertEquals(
          example.violations().stream().sorted().toList(),
          rejected.violations().stream().map(ExampleCorpusTest::describe).sorted().toList(),
          () -> "all violations: " + rejected.violations());
      return;
    }
    PrivateQuery query = ((AnalysisResult.Accepted) result).query();
    if (example.violations() != null) {
      fail(example.name() + ": expected violations but was accepted:\n" + query.planText());
    }
    if (example.planLines() != null) {
      for (String line : example.planLines()) {
        assertTrue(
            query.planText().contains(line),
            () -> "plan lacks '" + line + "':\n" + query.planText());
      }
    }
    if (example.rows() != null) {
      List<String> actual =
          pipeline.plainRows(query, engine, fixtures).stream()
              .map(ExampleCorpusTest::format)
              .sorted()
              .toList();
      assertEquals(
          example.rows().stream().sorted().toList(), actual, () -> "plan:\n" + query.planText());
    }
  }

  private static String describe(Violation violation) {
    return violation.column() == null
        ? violation.code().name()
        : violation.code().name() + " " + violation.column();
  }

  private static String format(Object[] row) {
    return Arrays.stream(row)
        .map(value -> value == null ? "NULL" : value.toString())
        .collect(Collectors.joining(" | "));
  }
}
