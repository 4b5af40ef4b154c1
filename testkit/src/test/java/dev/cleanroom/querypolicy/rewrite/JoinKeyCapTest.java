package dev.cleanroom.querypolicy.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.engine.ExecutionLimits;
import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import dev.cleanroom.querypolicy.policy.TestPolicies;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.TestTables;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The cap on rows per join key and person, run on the reference engine. */
class JoinKeyCapTest {
  private static final int PLANTED = 2_000;
  private static final int CAP = 25;

  @RegisterExtension final TestAllocator memory = new TestAllocator();

  /** Impressions where fingerprint h1 has {@link #PLANTED} rows and h2, h3 a few each. */
  private static List<Object[]> impressionRows() {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < PLANTED; i++) {
      rows.add(new Object[] {(long) i, "h1", "c" + (i % 13), TestTables.MONDAY, i % 2 == 0, 1.0});
    }
    for (int i = 0; i < 7; i++) {
      rows.add(new Object[] {10_000L + i, "h2", "c1", TestTables.MONDAY, true, 2.0});
      rows.add(new Object[] {20_000L + i, "h3", "c2", TestTables.MONDAY, false, 3.0});
    }
    return rows;
  }

  /**
   * What the cap keeps of each fingerprint's rows, as the query reads them (campaign, clicked,
   * cost): rows equal in all of these are interchangeable, so which of them stays is not asked.
   */
  private Map<String, List<String>> keptRows(List<Object[]> rows) {
    RelBuilder builder =
        RelBuilder.create(
            Frameworks.newConfigBuilder().defaultSchema(TestCatalog.schema()).build());
    builder.scan("advertiser", "impressions");
    RewriteSteps.capRowsPerJoinKey(
        builder, new JoinKeyCap(0, List.of(1), List.of(1, 2, 4, 5), CAP, false), TestCatalog.key());
    Map<String, List<String>> kept = new TreeMap<>();
    try (InMemoryTable impressions = TestTables.impressions(rows, memory.allocator())) {
      List<Object[]> capped =
          new ReferenceEngine(memory.allocator())
              .execute(
                  builder.build(),
                  Map.of(TestPolicies.IMPRESSIONS, impressions),
                  ExecutionLimits.defaults());
      for (Object[] row : capped) {
        kept.computeIfAbsent((String) row[1], k -> new ArrayList<>())
            .add(row[2] + "/" + row[4] + "/" + row[5]);
      }
    }
    kept.values().forEach(Collections::sort);
    return kept;
  }

  @Test
  void plantedKey_bringsAtMostTheCapWhileSmallKeysKeepEveryRow() {
    Map<String, List<String>> kept = keptRows(impressionRows());

    assertEquals(CAP, kept.get("h1").size());
    assertEquals(7, kept.get("h2").size());
    assertEquals(7, kept.get("h3").size());
  }

  @Test
  void keptRows_doNotDependOnTheUploadOrder() {
    List<Object[]> reversed = impressionRows();
    Collections.reverse(reversed);

    assertEquals(keptRows(impressionRows()), keptRows(reversed));
  }
}
