package dev.cleanroom.querypolicy.release;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.querypolicy.noise.Rational;
import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The release of public group keys: exactly the key set, no threshold, k after noise. */
class PublicKeyReleaseTest {

  // Exact row layout: [campaign, sum_cost, count_rows, distinct_units]
  private static final ReleaseColumn CAMPAIGN =
      new ReleaseColumn("campaign_id", ColumnRole.GROUP_KEY, 0, -1, null, null);
  private static final ReleaseColumn ROWS =
      new ReleaseColumn("rows", ColumnRole.COUNT, 2, -1, BigDecimal.ZERO, BigDecimal.ONE);
  private static final ReleaseColumn REACH =
      new ReleaseColumn("reach", ColumnRole.DISTINCT_UNITS, 3, -1, BigDecimal.ZERO, BigDecimal.ONE);

  private static ReleaseSpec spec(String epsilon, ReleaseOptions options, Object... keys) {
    return new ReleaseSpec(
        List.of(CAMPAIGN, REACH, ROWS),
        3,
        new QueryPrivacyParameters(new BigDecimal(epsilon), 1e-6, 50, 2, true),
        options,
        new ReleaseRule.PublicKeys(
            List.of(
                new ReleaseRule.KeySet(
                    0,
                    "advertiser.impressions.campaign_id",
                    ReleaseRule.KeySource.POLICY,
                    List.of(keys)))));
  }

  private static List<Object[]> rows(Object[]... rows) {
    return new ArrayList<>(List.of(rows));
  }

  @Test
  void exactlyTheKeySet_isReleasedWhateverTheData() {
    ReleaseSpec spec = spec("1000", ReleaseOptions.DEFAULT, "c3", "c1", "c2");
    ReleasedResult result =
        Releaser.release(
            spec,
            rows(
                new Object[] {"c1", 0.0, 900L, 800L},
                new Object[] {"c9", 0.0, 700L, 700L},
                new Object[] {"c3", 0.0, 10L, 10L}),
            new SeededNoiseSource(1));

    assertEquals(List.of("c1", "c2", "c3"), result.rows().stream().map(row -> row[0]).toList());
    // c1: shown with its values; c2 (no rows) and c3 (10 people): below k, aggregates NULL.
    assertEquals(800L, result.rows().get(0)[1]);
    assertEquals(900L, result.rows().get(0)[2]);
    assertEquals(Arrays.asList("c2", null, null), Arrays.asList(result.rows().get(1)));
    assertEquals(Arrays.asList("c3", null, null), Arrays.asList(result.rows().get(2)));
    // c9 is outside the set and no other row was asked for.
    assertFalse(result.remainderRow().isPresent());
    assertEquals("public keys: policy", result.rule().describe());
    assertEquals(0.0, result.deltaSpent());
    assertEquals(50, result.threshold());
  }

  @Test
  void gaussianNoise_underPublicKeys_reportsTheDeltaOfItsConversion_andShowsTheKeySetsOwnKeys() {
    ReleaseSpec laplace = spec("1", ReleaseOptions.DEFAULT, "a", "b");
    ReleaseSpec spec =
        laplace.withParameters(laplace.parameters().withMechanism(MechanismPreference.GAUSSIAN));
    // The engine's key is a Character here; the row shows the published String.
    ReleasedResult result =
        Releaser.release(
            spec,
            rows(
                new Object[] {Character.valueOf('a'), 0.0, 900L, 800L},
                new Object[] {"c1", 0.0, 900L, 800L}),
            new SeededNoiseSource(3));
    assertEquals("gaussian", result.accounting().mechanism());
    // No release decision, but the zCDP conversion spends all of delta.
    assertEquals(1e-6, result.deltaSpent());
    assertEquals(1e-6, result.accounting().conversionDelta());
    assertEquals(List.of("a", "b"), result.rows().stream().map(row -> row[0]).toList());
    assertTrue(result.rows().stream().allMatch(row -> row[0] instanceof String));
  }

  @Test
  void publicKeys_spendNoDeltaNoRemainderShare() {
    Releaser releaser = Releaser.forSpec(spec("1", ReleaseOptions.DEFAULT, "c1"));
    // The policy turns the remainder on, but nothing is suppressed under public keys: 2 shares.
    assertEquals(Rational.of(1, 2), releaser.epsilonShare());
    assertEquals(
        List.of("distinct people per key (k applied after noise)", "column rows"),
        releaser.spent().stream().map(Spending::purpose).toList());
    assertTrue(releaser.spent().stream().allMatch(spending -> spending.delta() == 0));
  }

  @Test
  void otherRow_gathersTheRowsOutsideTheKeySet() {
    ReleaseSpec spec = spec("1000", new ReleaseOptions(false, true), "c1");
    ReleasedResult result =
        Releaser.release(
            spec,
            rows(
                new Object[] {"c1", 0.0, 900L, 800L},
                new Object[] {"c8", 0.0, 300L, 200L},
                new Object[] {"c9", 0.0, 150L, 100L}),
            new SeededNoiseSource(2));

    assertEquals(1, result.rows().size());
    Object[] other = result.remainderRow().orElseThrow();
    assertNull(other[0]);
    assertEquals(300L, other[1]);
    assertEquals(450L, other[2]);
  }

  @Test
  void otherRow_belowTheRemainderMinimum_showsNullAggregates() {
    ReleaseSpec spec = spec("1000", new ReleaseOptions(false, true), "c1");
    ReleasedResult result =
        Releaser.release(spec, rows(new Object[] {"c9", 0.0, 60L, 60L}), new SeededNoiseSource(3));
    // m = 2, k = 50: the other row needs 2 × 49 + 1 = 99 summed people.
    assertEquals(
        Arrays.asList(null, null, null), Arrays.asList(result.remainderRow().orElseThrow()));
  }

  @Test
  void suppressedGroupCount_underPublicKeys_countsTheGroupsOutsideTheSet() {
    ReleaseSpec spec = spec("1000", new ReleaseOptions(true, false), "c1");
    ReleasedResult result =
        Releaser.release(
            spec,
            rows(
                new Object[] {"c1", 0.0, 900L, 800L},
                new Object[] {"c8", 0.0, 300L, 200L},
                new Object[] {"c9", 0.0, 150L, 100L}),
            new SeededNoiseSource(4));
    assertEquals(2, result.suppressedGroups().getAsLong());
  }

  @Test
  void keyWithoutRows_getsNoisedZeros() {
    ReleaseSpec spec = spec("0.5", ReleaseOptions.DEFAULT, "c1");
    Releaser releaser = Releaser.forSpec(spec);
    SeededNoiseSource source = new SeededNoiseSource(5);
    int shown = 0;
    for (int i = 0; i < 2000; i++) {
      ReleasedResult result = releaser.release(List.of(), source);
      assertEquals(1, result.rows().size());
      if (result.rows().get(0)[1] != null) {
        shown++;
      }
    }
    // Scale 2 / 0.25 = 8: a noised zero reaches 50 with probability about exp(-50/8)/2 = 0.1%.
    assertTrue(shown < 10, "shown " + shown);
  }

  @Test
  void engineOrderAndIntegerKeys_giveTheSameAnswer() {
    ReleaseSpec spec =
        new ReleaseSpec(
            List.of(CAMPAIGN, REACH),
            3,
            new QueryPrivacyParameters(BigDecimal.ONE, 1e-6, 50, 1, false),
            ReleaseOptions.DEFAULT,
            new ReleaseRule.PublicKeys(
                List.of(
                    new ReleaseRule.KeySet(
                        0, "t.n", ReleaseRule.KeySource.QUERY, List.of(3L, 1L, 2L)))));
    ReleasedResult forward =
        Releaser.release(
            spec,
            rows(new Object[] {1, 0.0, 0L, 500L}, new Object[] {3, 0.0, 0L, 90L}),
            new SeededNoiseSource(6));
    ReleasedResult backward =
        Releaser.release(
            spec,
            rows(new Object[] {3, 0.0, 0L, 90L}, new Object[] {1, 0.0, 0L, 500L}),
            new SeededNoiseSource(6));
    assertEquals(3, forward.rows().size());
    for (int i = 0; i < 3; i++) {
      assertEquals(Arrays.asList(forward.rows().get(i)), Arrays.asList(backward.rows().get(i)));
    }
    // The engine's Integer 1 matched the published 1: its reach is about 500, not NULL.
    Object reach =
        forward.rows().stream()
            .filter(r -> ((Number) r[0]).longValue() == 1)
            .findFirst()
            .orElseThrow()[1];
    assertTrue(Math.abs((Long) reach - 500) < 30, "reach " + reach);
  }
}
