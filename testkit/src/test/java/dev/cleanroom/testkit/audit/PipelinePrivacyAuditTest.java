package dev.cleanroom.testkit.audit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.engine.reference.ReferenceEngine;
import dev.cleanroom.querypolicy.noise.SeededNoiseSource;
import dev.cleanroom.querypolicy.release.QueryPrivacyParameters;
import dev.cleanroom.querypolicy.release.ReleaseSpec;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import dev.cleanroom.testkit.TestTables;
import dev.cleanroom.testkit.arrow.TestAllocator;
import dev.cleanroom.testkit.audit.PrivacyAudit.Finding;
import dev.cleanroom.testkit.audit.RewritePipeline.Tables;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The empirical privacy audit of the real pipeline: SQL through {@code QueryAnalyzer}'s checks and
 * private rewrite, the private plan on the {@link ReferenceEngine}, then the {@link Releaser} built
 * from the rewrite's own release spec. The exact rows are computed once per dataset (the noise is
 * the only randomness), so each audit costs about what the plain audit costs.
 *
 * <p>Sample size as in {@link PrivacyAuditTest}: 40,000 runs per dataset at 99.9% confidence.
 * Policies: ε = 3 per query, δ = 1e-6, one group per unit, minimum 10 units. The broken variants
 * (noise scale halved: the same spec released with twice its ε; thresholding on the exact count)
 * must exceed the honest claim for every seed tried.
 */
@Tag("statistical")
class PipelinePrivacyAuditTest {
  private static final PrivacyAudit AUDIT = new PrivacyAudit(40_000, 1e-6, 0.999);
  private static final BigDecimal EPSILON = new BigDecimal("3");
  private static final int MINIMUM_UNITS = 10;

  @RegisterExtension static final TestAllocator MEMORY = new TestAllocator();

  // One pipeline per query and one instance per dataset, so each exact result is computed once.
  private static RewritePipeline reachByAgeBand;
  private static RewritePipeline spendByCampaign;
  private static RewritePipeline joinedAsRewritten;
  private static RewritePipeline cappedFrequency;
  private static Tables reachDataset;
  private static Tables reachNeighbour;
  private static Tables spendDataset;
  private static Tables spendNeighbour;
  private static Tables joinDataset;
  private static Tables joinNeighbour;
  private static Tables decisionDataset;
  private static Tables decisionNeighbour;
  private static Tables frequencyNeighbour;

  @BeforeAll
  static void analyseQueriesAndMakeDatasets() {
    reachByAgeBand = pipeline(REACH_BY_AGE_BAND);
    spendByCampaign = pipeline(SPEND_BY_CAMPAIGN);
    joinedAsRewritten = pipeline(JOINED_REACH_AND_SPEND);
    cappedFrequency = pipeline(CAPPED_FREQUENCY);
    reachDataset = customersInG(300);
    reachNeighbour = withCustomer(reachDataset, customer(-1, "g"));
    spendDataset = impressionsInG();
    spendNeighbour = withOutlier(spendDataset);
    joinDataset = joinedCrowd();
    joinNeighbour = withHeavyViewer(joinDataset);
    decisionDataset =
        customersInG((int) Releaser.forSpec(reachByAgeBand.releaseSpec()).threshold() - 1);
    decisionNeighbour = withCustomer(decisionDataset, customer(-1, "g"));
    frequencyNeighbour = withImpressions(spendDataset, "h-heavy", 5_000);
  }

  private static RewritePipeline pipeline(String sql) {
    return new RewritePipeline(sql, EPSILON, 1, MINIMUM_UNITS, MEMORY.allocator());
  }

  private static final String REACH_BY_AGE_BAND =
      "SELECT age_band, COUNT(DISTINCT customer_id) AS reach FROM retailer.customers"
          + " GROUP BY age_band";
  private static final String SPEND_BY_CAMPAIGN =
      "SELECT campaign_id, SUM(cost) AS spend FROM advertiser.impressions GROUP BY campaign_id";
  private static final String CAPPED_FREQUENCY =
      "SELECT SUM(LEAST(n, 5)) AS impressions FROM (SELECT email_hash, COUNT(*) AS n"
          + " FROM advertiser.impressions GROUP BY email_hash) AS per_person";
  private static final String JOINED_REACH_AND_SPEND =
      "SELECT i.campaign_id, COUNT(DISTINCT c.customer_id) AS reach, SUM(i.cost) AS spend"
          + " FROM advertiser.impressions i JOIN retailer.customers c"
          + " ON i.email_hash = c.email_hash GROUP BY i.campaign_id";

  // --- datasets ------------------------------------------------------------------------------

  private static Object[] customer(long id, String ageBand) {
    return new Object[] {
      id, "p" + id + "@example.com", "h" + id, "10001", ageBand, "gold", 100.0, false
    };
  }

  private static Object[] impression(long id, String emailHash, String campaign, double cost) {
    return new Object[] {
      id, emailHash, campaign, TestTables.MONDAY + id % 7 * TestTables.DAY, true, cost
    };
  }

  /** {@code units} customers in age band "g" and 100 in "other". */
  private static Tables customersInG(int units) {
    List<Object[]> customers = new ArrayList<>();
    for (long id = 0; id < units; id++) {
      customers.add(customer(id, "g"));
    }
    for (long id = 0; id < 100; id++) {
      customers.add(customer(100_000 + id, "other"));
    }
    return new Tables(customers, List.of());
  }

  private static Tables withCustomer(Tables tables, Object[] customer) {
    List<Object[]> customers = new ArrayList<>(tables.customers());
    customers.add(customer);
    return new Tables(customers, tables.impressions());
  }

  /** 300 people with one to three impressions in campaign "g", costs up to 99. */
  private static Tables impressionsInG() {
    List<Object[]> impressions = new ArrayList<>();
    long id = 0;
    for (int unit = 0; unit < 300; unit++) {
      for (int row = 0; row <= unit % 3; row++) {
        impressions.add(impression(id++, "h" + unit, "g", (unit * 37) % 100));
      }
    }
    return new Tables(List.of(), impressions);
  }

  // --- statistics ----------------------------------------------------------------------------

  /** The sum of one output column over every released row: looks at all groups at once. */
  private static ToDoubleFunction<ReleasedResult> totalOf(int column) {
    return result -> {
      double total = 0;
      for (Object[] row : result.rows()) {
        total += ((Number) row[column]).doubleValue();
      }
      return total;
    };
  }

  private static PrivacyAudit.Mechanism<Tables> mechanism(
      RewritePipeline pipeline, Releaser releaser, ToDoubleFunction<ReleasedResult> statistic) {
    return PrivacyAudit.pipeline(pipeline::exactRows, releaser, statistic);
  }

  private static double claimed(Releaser releaser) {
    return releaser.epsilonShare().doubleValue();
  }

  /** The same spec released with twice the ε: every noise scale halved. */
  private static Releaser halvedNoise(ReleaseSpec spec) {
    QueryPrivacyParameters honest = spec.parameters();
    return Releaser.forSpec(
        new ReleaseSpec(
            spec.columns(),
            spec.distinctUnitsField(),
            new QueryPrivacyParameters(
                honest.epsilon().multiply(BigDecimal.valueOf(2)),
                honest.delta(),
                honest.minimumDistinctUnits(),
                honest.maxGroupsContributed(),
                honest.releaseRemainder())));
  }

  // --- COUNT(DISTINCT unit) per group ----------------------------------------------------------

  @Test
  void distinctUnitCount_staysWithinItsEpsilon() {
    Releaser releaser = Releaser.forSpec(reachByAgeBand.releaseSpec());

    Finding finding =
        AUDIT.audit(
            mechanism(reachByAgeBand, releaser, PrivacyAudit.releasedValue(0, "g", 1)),
            reachDataset,
            reachNeighbour,
            new SeededNoiseSource(101));

    assertTrue(finding.epsilonLowerBound() <= claimed(releaser), finding.toString());
    assertTrue(finding.epsilonLowerBound() >= 0.5 * claimed(releaser), finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {111, 112})
  void distinctUnitCount_halvedNoiseScale_isDetected(long seed) {
    ReleaseSpec spec = reachByAgeBand.releaseSpec();

    Finding finding =
        AUDIT.audit(
            mechanism(reachByAgeBand, halvedNoise(spec), PrivacyAudit.releasedValue(0, "g", 1)),
            reachDataset,
            reachNeighbour,
            new SeededNoiseSource(seed));

    assertTrue(finding.epsilonLowerBound() > claimed(Releaser.forSpec(spec)), finding.toString());
  }

  // --- clamped SUM ---------------------------------------------------------------------------

  private static Tables withOutlier(Tables tables) {
    List<Object[]> impressions = new ArrayList<>(tables.impressions());
    impressions.add(impression(-1, "h-target", "g", 1_000_000.0));
    return new Tables(tables.customers(), impressions);
  }

  @Test
  void clampedSum_staysWithinItsEpsilonEvenForAnOutlier() {
    Releaser releaser = Releaser.forSpec(spendByCampaign.releaseSpec());

    Finding finding =
        AUDIT.audit(
            mechanism(spendByCampaign, releaser, PrivacyAudit.releasedValue(0, "g", 1)),
            spendDataset,
            spendNeighbour,
            new SeededNoiseSource(201));

    assertTrue(finding.epsilonLowerBound() <= claimed(releaser), finding.toString());
    assertTrue(finding.epsilonLowerBound() >= 0.5 * claimed(releaser), finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {211, 212})
  void clampedSum_halvedNoiseScale_isDetected(long seed) {
    ReleaseSpec spec = spendByCampaign.releaseSpec();

    Finding finding =
        AUDIT.audit(
            mechanism(spendByCampaign, halvedNoise(spec), PrivacyAudit.releasedValue(0, "g", 1)),
            spendDataset,
            spendNeighbour,
            new SeededNoiseSource(seed));

    assertTrue(finding.epsilonLowerBound() > claimed(Releaser.forSpec(spec)), finding.toString());
  }

  // --- a join where one person has thousands of impressions ------------------------------------

  private static final List<String> CAMPAIGNS = List.of("c1", "c2", "c3", "c4");

  /** 300 customers with two impressions in each of four campaigns. */
  private static Tables joinedCrowd() {
    List<Object[]> customers = new ArrayList<>();
    List<Object[]> impressions = new ArrayList<>();
    long id = 0;
    for (long unit = 0; unit < 300; unit++) {
      customers.add(customer(unit, "25-34"));
      for (String campaign : CAMPAIGNS) {
        impressions.add(impression(id++, "h" + unit, campaign, 20.0));
        impressions.add(impression(id++, "h" + unit, campaign, 15.0));
      }
    }
    return new Tables(customers, impressions);
  }

  /** The neighbour: one more customer with 5,000 impressions at cost 50 across all campaigns. */
  private static Tables withHeavyViewer(Tables tables) {
    List<Object[]> customers = new ArrayList<>(tables.customers());
    List<Object[]> impressions = new ArrayList<>(tables.impressions());
    customers.add(customer(-1, "25-34"));
    for (int i = 0; i < 5_000; i++) {
      impressions.add(impression(-1 - i, "h-1", CAMPAIGNS.get(i % CAMPAIGNS.size()), 50.0));
    }
    return new Tables(customers, impressions);
  }

  /** Audits output columns summed over all campaigns; the heavy viewer may touch one campaign. */
  private static List<Finding> auditJoin(RewritePipeline pipeline, long seed, int... columns) {
    Releaser releaser = Releaser.forSpec(pipeline.releaseSpec());
    List<Finding> findings = new ArrayList<>();
    for (int column : columns) {
      findings.add(
          AUDIT.audit(
              mechanism(pipeline, releaser, totalOf(column)),
              joinDataset,
              joinNeighbour,
              new SeededNoiseSource(seed + column)));
    }
    return findings;
  }

  @Test
  void join_personWithThousandsOfImpressions_staysWithinItsEpsilon() {
    double claimed = claimed(Releaser.forSpec(joinedAsRewritten.releaseSpec()));

    // Reach and spend: the groups-per-unit bound of the rewrite's own plan is what holds them.
    for (Finding finding : auditJoin(joinedAsRewritten, 300, 1, 2)) {
      assertTrue(finding.epsilonLowerBound() <= claimed, finding.toString());
    }
  }

  // --- a per-person sub-query: one person with thousands of impressions ------------------------

  private static Tables withImpressions(Tables tables, String emailHash, int count) {
    List<Object[]> impressions = new ArrayList<>(tables.impressions());
    for (int i = 0; i < count; i++) {
      impressions.add(impression(-1 - i, emailHash, "g", 50.0));
    }
    return new Tables(tables.customers(), impressions);
  }

  @Test
  void perPersonFrequency_personWithThousandsOfImpressions_staysWithinItsEpsilon() {
    Releaser releaser = Releaser.forSpec(cappedFrequency.releaseSpec());

    // The heavy viewer's frequency is clamped to 5 by the query, the sum's whole sensitivity.
    Finding finding =
        AUDIT.audit(
            mechanism(cappedFrequency, releaser, totalOf(0)),
            spendDataset,
            frequencyNeighbour,
            new SeededNoiseSource(501));

    assertTrue(finding.epsilonLowerBound() <= claimed(releaser), finding.toString());
    assertTrue(finding.epsilonLowerBound() >= 0.5 * claimed(releaser), finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {511, 512})
  void perPersonFrequency_halvedNoiseScale_isDetected(long seed) {
    ReleaseSpec spec = cappedFrequency.releaseSpec();

    Finding finding =
        AUDIT.audit(
            mechanism(cappedFrequency, halvedNoise(spec), totalOf(0)),
            spendDataset,
            frequencyNeighbour,
            new SeededNoiseSource(seed));

    assertTrue(finding.epsilonLowerBound() > claimed(Releaser.forSpec(spec)), finding.toString());
  }

  // --- the group-release decision --------------------------------------------------------------

  @Test
  void releaseDecision_atTheNoisyThreshold_staysWithinItsEpsilon() {
    Releaser releaser = Releaser.forSpec(reachByAgeBand.releaseSpec());

    Finding finding =
        AUDIT.audit(
            mechanism(reachByAgeBand, releaser, PrivacyAudit.released(0, "g")),
            decisionDataset,
            decisionNeighbour,
            new SeededNoiseSource(401));

    assertTrue(finding.epsilonLowerBound() <= claimed(releaser), finding.toString());
    assertTrue(finding.epsilonLowerBound() >= 0.5 * claimed(releaser), finding.toString());
  }

  @ParameterizedTest
  @ValueSource(longs = {411, 412})
  void releaseDecision_thresholdOnTheExactCount_isDetected(long seed) {
    Releaser honest = Releaser.forSpec(reachByAgeBand.releaseSpec());
    long threshold = honest.threshold();
    int distinctUnitsField = reachByAgeBand.releaseSpec().distinctUnitsField();
    // The classic mistake: the same threshold, compared with the exact distinct-unit count.
    PrivacyAudit.Mechanism<Tables> exactThreshold =
        (tables, source) ->
            reachByAgeBand.exactRows(tables).stream()
                    .anyMatch(
                        row ->
                            row[0].equals("g")
                                && ((Number) row[distinctUnitsField]).longValue() >= threshold)
                ? 1
                : 0;

    Finding finding =
        AUDIT.audit(
            exactThreshold, decisionDataset, decisionNeighbour, new SeededNoiseSource(seed));

    assertTrue(finding.epsilonLowerBound() > claimed(honest), finding.toString());
  }
}
