package dev.cleanroom.examples.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.querypolicy.analysis.AnalysisContext;
import dev.cleanroom.querypolicy.noise.DiscreteLaplace;
import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.noise.PartitionSelection;
import dev.cleanroom.querypolicy.noise.Rational;
import dev.cleanroom.querypolicy.release.ColumnNoise;
import dev.cleanroom.querypolicy.release.ColumnRole;
import dev.cleanroom.querypolicy.release.MechanismPreference;
import dev.cleanroom.querypolicy.release.ReleaseColumn;
import dev.cleanroom.querypolicy.release.ReleaseOptions;
import dev.cleanroom.querypolicy.release.ReleaseRule;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.querypolicy.rewrite.ContributionKey;
import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import dev.cleanroom.spi.TableName;
import dev.cleanroom.testkit.InMemoryTable;
import dev.cleanroom.testkit.Pipeline;
import dev.cleanroom.testkit.arrow.TestAllocator;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue #15's "done when", for the README's reach-by-campaign question under the demo policy (ε 0.5
 * per query, 4 groups per person, k = 50, δ = 1e-6), analysed, rewritten and released by the real
 * code: the 95% interval of reach, and the smallest campaign shown reliably, before and after.
 *
 * <p><em>Shown reliably</em>: the smallest exact number of people {@code n} whose campaign row is
 * shown with its reach with probability at least 95%, computed exactly from the mechanism's
 * distribution. Before (the rule and split until issue #15: a share for the suppressed-group count,
 * the noisy threshold), a row is shown iff {@code n >= k} and {@code n + Z >= τ}; with the
 * published campaign list, the row is always there and its reach is shown iff {@code n + Z >= k}.
 */
class ReachByCampaignAccuracyTest {
  /** The README's curl question, word for word. */
  static final String README_REACH =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach FROM advertiser.impressions i"
          + " JOIN retailer.customers c ON i.email_hash = c.email_hash GROUP BY i.campaign_id"
          + " ORDER BY reach DESC";

  private static final double RELIABLY = 0.95;
  private static final ContributionKey KEY =
      ContributionKey.of("reach-accuracy-k".getBytes(StandardCharsets.US_ASCII));

  @RegisterExtension static final TestAllocator MEMORY = new TestAllocator();

  private static Map<TableName, InMemoryTable> fixtures;
  private static Pipeline pipeline;

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
  }

  @AfterAll
  static void closeFixtures() {
    fixtures.values().forEach(InMemoryTable::close);
  }

  /** The README question as the demo policy now releases it: by the published campaign list. */
  private static ReleaseSpec now() {
    return pipeline.accepted(README_REACH).releaseSpec();
  }

  /**
   * The same query as released before issue #15: Laplace noise (the only mechanism then), a
   * threshold, and a share for the count.
   */
  private static ReleaseSpec before() {
    ReleaseSpec now = now();
    return new ReleaseSpec(
        now.columns(),
        now.distinctUnitsField(),
        now.parameters().withMechanism(MechanismPreference.LAPLACE),
        new ReleaseOptions(true, false),
        ReleaseRule.Threshold.PLAIN);
  }

  private static ColumnNoise reachNoise(ReleaseSpec spec) {
    return Releaser.forSpec(spec).noiseReport().stream()
        .filter(noise -> noise.column().equals("reach"))
        .findFirst()
        .orElseThrow();
  }

  /** {@code P(Z >= z)} for the discrete Laplace noise of the release decision, exactly. */
  private static double atLeast(DiscreteLaplace noise, long z) {
    return z >= 1 ? noise.upperTail(z) : 1 - noise.upperTail(1 - z);
  }

  /** The discrete Laplace noise on a spec's distinct-people count. */
  private static DiscreteLaplace unitNoise(ReleaseSpec spec) {
    Rational share = Releaser.forSpec(spec).epsilonShare();
    return DiscreteLaplace.builder()
        .scale(Rational.of(spec.parameters().maxGroupsContributed(), 1).divide(share))
        .build();
  }

  /**
   * The probability that a campaign of {@code people} is shown with its reach under {@code spec}.
   */
  static double shownProbability(ReleaseSpec spec, long people) {
    long k = spec.parameters().minimumDistinctUnits();
    if (spec.rule() instanceof ReleaseRule.PublicKeys) {
      return atLeast(unitNoise(spec), k - people);
    }
    if (people < k) {
      return 0;
    }
    return atLeast(unitNoise(spec), Releaser.forSpec(spec).threshold() - people);
  }

  /** The smallest number of people whose campaign is shown with probability at least 95%. */
  static long smallestShownReliably(ReleaseSpec spec) {
    long people = 0;
    while (shownProbability(spec, people) < RELIABLY) {
      people++;
    }
    return people;
  }

  @Test
  void readmeQuestion_isReleasedByThePublishedCampaigns() {
    ReleaseSpec now = now();
    ReleaseRule.PublicKeys keys = assertInstanceOf(ReleaseRule.PublicKeys.class, now.rule());
    assertEquals(12, keys.keyCount());
    assertEquals("public keys: policy", keys.describe());
    assertEquals(new BigDecimal("0.5"), now.parameters().epsilon());
    assertEquals(4, now.parameters().maxGroupsContributed());
  }

  @Test
  void reachInterval_isAtMostHalfOfBefore() {
    BigDecimal before = reachNoise(before()).ci95HalfWidth();
    BigDecimal now = reachNoise(now()).ci95HalfWidth();
    // The figure: ±48 at 95% (scale 16) before.
    assertEquals(0, new BigDecimal("48").compareTo(before), "before ±" + before);
    assertTrue(
        now.multiply(BigDecimal.valueOf(2)).compareTo(before) <= 0,
        "now ±" + now + ", before ±" + before);
    assertEquals(0, new BigDecimal("24").compareTo(now), "now ±" + now);
  }

  @Test
  void smallestCampaignShownReliably_isAtMostHalfOfBefore() {
    long before = smallestShownReliably(before());
    long now = smallestShownReliably(now());
    // Before: the threshold τ plus the noise's 95% lower margin; now: k plus it, at half the scale.
    long threshold = Releaser.forSpec(before()).threshold();
    assertTrue(before > threshold, "before " + before + ", threshold " + threshold);
    assertTrue(2 * now <= before, "now " + now + ", before " + before);
    // Exactly these, from the distributions (see docs/PRIVACY.md, "Public group keys").
    assertEquals(List.of(320L, 68L), List.of(before, now));
    // One person fewer is not reliable: the smallest is the smallest.
    assertTrue(shownProbability(now(), now - 1) < RELIABLY);
    assertTrue(shownProbability(before(), before - 1) < RELIABLY);
  }

  @Test
  void thresholdWithoutTheSuppressedShare_alreadyLowersTheBar() {
    // Item 1 alone (no published keys): the threshold's share doubles, the bar falls by about half.
    ReleaseSpec now = now();
    ReleaseSpec thresholdNow =
        new ReleaseSpec(
            now.columns(),
            now.distinctUnitsField(),
            now.parameters(),
            ReleaseOptions.DEFAULT,
            ReleaseRule.Threshold.PLAIN);
    long plain = smallestShownReliably(thresholdNow);
    assertTrue(plain < smallestShownReliably(before()), "threshold now " + plain);
    assertEquals(185L, plain);
    assertTrue(smallestShownReliably(now) < plain);
  }

  @Test
  void seededRuns_showTheSmallestReliableCampaign_andBeforeDidNot() {
    PrivateQuery query = pipeline.accepted(README_REACH);
    ReleaseSpec now = query.releaseSpec();
    long people = smallestShownReliably(now);
    // The engine's exact rows of the fixtures, through the real plan: keep their layout.
    List<Object[]> exact =
        pipeline.exactRows(query, new ReferenceEngine(MEMORY.allocator()), fixtures);
    assertTrue(!exact.isEmpty(), "the fixtures reach some campaign");
    Object[] campaign = exact.get(0).clone();
    campaign[0] = "c1";
    campaign[now.distinctUnitsField()] = people;
    Releaser releaserNow = Releaser.forSpec(now);
    Releaser releaserBefore = Releaser.forSpec(before());
    int runs = 4000;
    int shownNow = 0;
    int shownBefore = 0;
    SplittableRandom random = new SplittableRandom(15);
    NoiseSource source = random::nextLong;
    for (int run = 0; run < runs; run++) {
      shownNow += reachShown(releaserNow.release(List.<Object[]>of(campaign), source));
      shownBefore += reachShown(releaserBefore.release(List.<Object[]>of(campaign), source));
    }
    // Expected at least 95% now (sd 0.35% over 4,000 runs) and next to nothing before.
    assertTrue(shownNow >= 0.94 * runs, "shown now " + shownNow + " of " + runs);
    assertTrue(shownBefore <= 0.01 * runs, "shown before " + shownBefore + " of " + runs);
  }

  /** 1 when campaign c1 is among the released rows with a reach, else 0. */
  private static int reachShown(ReleasedResult result) {
    int reach = -1;
    List<ReleaseColumn> columns = now().columns();
    for (int i = 0; i < columns.size(); i++) {
      if (columns.get(i).role() == ColumnRole.DISTINCT_UNITS) {
        reach = i;
      }
    }
    for (Object[] row : result.rows()) {
      if ("c1".equals(row[0]) && row[reach] != null) {
        return 1;
      }
    }
    return 0;
  }

  @Test
  void partitionSelection_isTheThresholdThisTestModels() {
    // The model above reads the same noise and threshold as the release's partition selection.
    ReleaseSpec before = before();
    PartitionSelection selection =
        PartitionSelection.builder()
            .epsilon(Releaser.forSpec(before).epsilonShare())
            .delta(before.parameters().delta())
            .maxGroupsContributed(before.parameters().maxGroupsContributed())
            .minimumDistinctUnits(before.parameters().minimumDistinctUnits())
            .build();
    assertEquals(selection.threshold(), Releaser.forSpec(before).threshold());
    assertEquals(selection.noise().scale(), unitNoise(before).scale());
  }
}
