package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Computes the accuracy table of {@code docs/PRIVACY.md} with the real release code and checks that
 * the document shows exactly these numbers (for the Laplace threshold; the mechanisms compared are
 * in {@link MechanismComparisonTableTest}); {@link #main} prints the table to paste in.
 */
class PrivacyDocumentTableTest {

  private static final Path DOCUMENT = Path.of("..", "docs", "PRIVACY.md");
  private static final String[] EPSILONS = {"0.1", "0.5", "1", "2", "5"};
  private static final int[] GROUPS_PER_UNIT = {1, 3};

  /** The table rows: a query of reach, a row count (1 per unit) and a cost sum in [0, 100]. */
  static List<String> tableRows() {
    List<String> rows = new ArrayList<>();
    for (int groups : GROUPS_PER_UNIT) {
      for (String epsilon : EPSILONS) {
        ReleaseSpec spec =
            new ReleaseSpec(
                List.of(
                    new ReleaseColumn("campaign_id", ColumnRole.GROUP_KEY, 0, -1, null, null),
                    new ReleaseColumn(
                        "reach", ColumnRole.DISTINCT_UNITS, 3, -1, BigDecimal.ZERO, BigDecimal.ONE),
                    new ReleaseColumn(
                        "impressions", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE),
                    new ReleaseColumn(
                        "cost", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, new BigDecimal("100"))),
                3,
                new QueryPrivacyParameters(new BigDecimal(epsilon), 1e-6, 50, groups, false)
                    .withMechanism(MechanismPreference.LAPLACE));
        Releaser releaser = Releaser.forSpec(spec);
        List<ColumnNoise> noise = releaser.noiseReport();
        rows.add(
            "| "
                + epsilon
                + " | "
                + groups
                + " | "
                + noise
                    .get(0)
                    .epsilon()
                    .round(new MathContext(3))
                    .stripTrailingZeros()
                    .toPlainString()
                + " | "
                + releaser.threshold()
                + " | ± "
                + noise.get(0).ci95HalfWidth().toPlainString()
                + " | ± "
                + noise.get(1).ci95HalfWidth().toPlainString()
                + " | ± "
                + noise.get(2).ci95HalfWidth().stripTrailingZeros().toPlainString()
                + " |");
      }
    }
    return rows;
  }

  @Test
  void privacyDocument_showsTheComputedTable() throws IOException {
    String document = Files.readString(DOCUMENT);
    for (String row : tableRows()) {
      assertTrue(document.contains(row), "docs/PRIVACY.md lacks the row " + row);
    }
  }

  public static void main(String[] arguments) {
    tableRows().forEach(System.out::println);
  }
}
