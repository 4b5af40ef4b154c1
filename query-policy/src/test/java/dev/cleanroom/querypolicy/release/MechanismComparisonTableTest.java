package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Computes the table "Release rules and noise compared" of {@code docs/PRIVACY.md} from the
 * mechanisms' exact distributions and checks that the document shows exactly these rows, and that
 * {@code auto} picks the candidate the table marks; {@link #main} prints the table to paste in.
 */
class MechanismComparisonTableTest {

  private static final Path DOCUMENT = Path.of("..", "docs", "PRIVACY.md");
  private static final String[] EPSILONS = {"0.1", "0.5", "1", "2", "5"};
  private static final int[] GROUPS_PER_UNIT = {1, 4};
  private static final ReleaseColumn CAMPAIGN =
      new ReleaseColumn("campaign_id", ColumnRole.GROUP_KEY, 0, -1, null, null);

  /** The README's reach-by-campaign question: one reach column. */
  static ReleaseSpec reach(String epsilon, int groups) {
    return new ReleaseSpec(
        List.of(
            CAMPAIGN,
            new ReleaseColumn(
                "reach", ColumnRole.DISTINCT_UNITS, 1, -1, BigDecimal.ZERO, BigDecimal.ONE)),
        1,
        new QueryPrivacyParameters(new BigDecimal(epsilon), 1e-6, 50, groups, false));
  }

  /** Reach, impressions (one row per person and group) and spend with cost in [0, 100]. */
  static ReleaseSpec threeColumns(String epsilon, int groups) {
    return new ReleaseSpec(
        List.of(
            CAMPAIGN,
            new ReleaseColumn(
                "reach", ColumnRole.DISTINCT_UNITS, 3, -1, BigDecimal.ZERO, BigDecimal.ONE),
            new ReleaseColumn(
                "impressions", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE),
            new ReleaseColumn(
                "spend", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, new BigDecimal("100"))),
        3,
        new QueryPrivacyParameters(new BigDecimal(epsilon), 1e-6, 50, groups, false));
  }

  /** Spend only: the release decision's count is not shown. */
  static ReleaseSpec spend(String epsilon, int groups) {
    return new ReleaseSpec(
        List.of(
            CAMPAIGN,
            new ReleaseColumn(
                "spend", ColumnRole.SUM, 1, -1, BigDecimal.ZERO, new BigDecimal("100"))),
        2,
        new QueryPrivacyParameters(new BigDecimal(epsilon), 1e-6, 50, groups, false));
  }

  static List<String> tableRows() {
    List<String> rows = new ArrayList<>();
    for (String query : List.of("reach", "reach, impressions, spend", "spend")) {
      for (int groups : GROUPS_PER_UNIT) {
        for (String epsilon : EPSILONS) {
          ReleaseSpec spec =
              switch (query) {
                case "reach" -> reach(epsilon, groups);
                case "spend" -> spend(epsilon, groups);
                default -> threeColumns(epsilon, groups);
              };
          String chosen = Releaser.forSpec(spec).accounting().mechanism();
          for (MechanismChoice.Candidate candidate : MechanismChoice.candidates(spec)) {
            String widths =
                candidate.noise().stream()
                    .map(noise -> "± " + noise.ci95HalfWidth().stripTrailingZeros().toPlainString())
                    .collect(Collectors.joining(" / "));
            rows.add(
                "| "
                    + query
                    + " | "
                    + epsilon
                    + " | "
                    + groups
                    + " | "
                    + candidate.mechanism()
                    + (candidate.mechanism().equals(chosen) ? " **(auto)**" : "")
                    + " | "
                    + widths
                    + " | "
                    + candidate.smallestShownAt50()
                    + " | "
                    + candidate.smallestShownAt95()
                    + " |");
          }
        }
      }
    }
    return rows;
  }

  @Test
  void privacyDocument_showsTheComputedComparison() throws IOException {
    String document = Files.readString(DOCUMENT);
    for (String row : tableRows()) {
      assertTrue(document.contains(row), "docs/PRIVACY.md lacks the row " + row);
    }
  }

  @Test
  void everyTableRow_marksExactlyOneChoicePerSetting() {
    long marked = tableRows().stream().filter(row -> row.contains("**(auto)**")).count();
    assertEquals(3L * GROUPS_PER_UNIT.length * EPSILONS.length, marked);
  }

  public static void main(String[] arguments) {
    tableRows().forEach(System.out::println);
  }
}
