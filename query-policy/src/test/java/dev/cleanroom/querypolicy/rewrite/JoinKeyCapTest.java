package dev.cleanroom.querypolicy.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.querypolicy.analysis.AnalysisResult;
import dev.cleanroom.querypolicy.analysis.QueryAnalyzer;
import dev.cleanroom.querypolicy.analysis.TestCatalog;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The cap on rows per join key and person, run on the reference engine. */
class JoinKeyCapTest {
  private static final int PLANTED = 2_000;
  private static final int CAP = 25;

  private final ReferenceEngine engine = new ReferenceEngine();

  @AfterEach
  void close() {
    engine.close();
  }

  /** Impressions where fingerprint h1 has {@link #PLANTED} rows and h2, h3 a few each. */
  private static List<Object[]> impressionRows() {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < PLANTED; i++) {
      rows.add(new Object[] {(long) i, "h1", "c" + (i % 13), TestCatalog.MONDAY, i % 2 == 0, 1.0});
    }
    for (int i = 0; i < 7; i++) {
      rows.add(new Object[] {10_000L + i, "h2", "c1", TestCatalog.MONDAY, true, 2.0});
      rows.add(new Object[] {20_000L + i, "h3", "c2", TestCatalog.MONDAY, false, 3.0});
    }
    return rows;
  }

  /**
   * What the cap keeps of each fingerprint's rows, as the query reads them (campaign, clicked,
   * cost): rows equal in all of these are interchangeable, so which of them stays is not asked.
   */
  private Map<String, List<String>> keptRows(List<Object[]> rows) {
    SchemaPlus root = CalciteSchema.createRootSchema(false, false).plus();
    root.add("advertiser", new AbstractSchema()).add("impressions", TestCatalog.impressions(rows));
    RelBuilder builder =
        RelBuilder.create(Frameworks.newConfigBuilder().defaultSchema(root).build());
    builder.scan("advertiser", "impressions");
    RewriteSteps.capRowsPerJoinKey(
        builder, new JoinKeyCap(0, List.of(1), List.of(1, 2, 4, 5), CAP), TestCatalog.key());
    Map<String, List<String>> kept = new TreeMap<>();
    for (Object[] row : engine.execute(builder.build())) {
      kept.computeIfAbsent((String) row[1], k -> new ArrayList<>())
          .add(row[2] + "/" + row[4] + "/" + row[5]);
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

  @Test
  void explanation_reportsTheCapOfEachJoinedTable() {
    AnalysisResult result =
        new QueryAnalyzer()
            .analyze(
                "SELECT c.age_band, COUNT(*) FROM advertiser.impressions i JOIN"
                    + " retailer.customers c ON i.email_hash = c.email_hash GROUP BY c.age_band",
                TestCatalog.context());

    String explanation = ((AnalysisResult.Accepted) result).query().explanation();
    assertTrue(
        explanation.contains(
            "Before the join, at most 100 row(s) of advertiser.impressions per value of"
                + " (advertiser.impressions.email_hash) take part, chosen by a keyed hash the"
                + " analyst cannot influence."),
        explanation);
    assertTrue(
        explanation.contains(
            "at most 100 row(s) of retailer.customers per value of"
                + " (retailer.customers.customer_id)"),
        explanation);
  }
}
