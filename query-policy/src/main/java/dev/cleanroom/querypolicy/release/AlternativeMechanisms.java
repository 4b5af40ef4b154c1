package dev.cleanroom.querypolicy.release;

import dev.cleanroom.querypolicy.noise.GaussianMechanism;
import dev.cleanroom.querypolicy.noise.GaussianThresholding;
import dev.cleanroom.querypolicy.noise.GroupSelection;
import dev.cleanroom.querypolicy.noise.LaplaceMechanism;
import dev.cleanroom.querypolicy.noise.Rational;
import dev.cleanroom.querypolicy.noise.TruncatedGeometricSelection;
import dev.cleanroom.querypolicy.noise.ValueMechanism;
import dev.cleanroom.querypolicy.noise.ZeroConcentratedDp;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The noise of a query released with something other than the Laplace threshold, built on the same
 * split as the Laplace release: every share of ε there is one equal part here.
 *
 * <p><b>Gaussian.</b> Half of δ converts zCDP to (ε, δ), half goes to the release decision. ρ is
 * the largest whose conversion at δ/2 is at most the query's ε ({@link
 * ZeroConcentratedDp#largestRho}); each of the {@code n} parts (release decision, suppressed-group
 * count, each COUNT and SUM, both halves of an AVG) gets {@code ρ / n}, so the parts sum to ρ (zCDP
 * composes by addition). With Gaussian thresholding's δ/2 the answer is (ε, δ)-DP. The ledger is
 * charged the query's ε, as for Laplace.
 *
 * <p><b>Truncated geometric</b> (one group per unit only). The release decision is {@link
 * TruncatedGeometricSelection}, pure (ε_share, δ); when the query shows distinct units, their count
 * gets its own share of Laplace noise; everything else is as in the Laplace release. Sequential
 * composition: (ε, δ)-DP.
 */
final class AlternativeMechanisms {

  private static final double CONFIDENCE = 0.95;

  /** What the Releaser needs of a mechanism family. */
  record Mechanisms(
      Rational epsilonShare,
      GroupSelection selection,
      ValueMechanism groupCount,
      List<ValueMechanism> values,
      List<ValueMechanism> divisors,
      List<ColumnNoise> noiseReport,
      ReleaseAccounting accounting,
      List<Spending> spent) {}

  private AlternativeMechanisms() {}

  /**
   * Whether the spec can be released with Gaussian noise: not with a remainder row, nor with public
   * keys' other row (either sums up to m groups of one unit in one row: see PRIVACY.md).
   */
  static boolean gaussianApplies(ReleaseSpec spec) {
    // A quantile histogram is noised with Laplace only (its pure ε would have to join ρ).
    boolean histogram =
        spec.columns().stream().anyMatch(column -> column.role() == ColumnRole.HISTOGRAM);
    return !histogram
        && (publicKeys(spec) ? !spec.options().otherRow() : !spec.parameters().releaseRemainder());
  }

  /**
   * Whether the spec can be released with the truncated-geometric decision: one group per unit, no
   * remainder row, and a release decision to make (public keys have none).
   */
  static boolean truncatedGeometricApplies(ReleaseSpec spec) {
    return !publicKeys(spec)
        && !spec.parameters().releaseRemainder()
        && spec.parameters().maxGroupsContributed() == 1;
  }

  private static boolean publicKeys(ReleaseSpec spec) {
    return spec.rule() instanceof ReleaseRule.PublicKeys;
  }

  static Mechanisms gaussian(ReleaseSpec spec, int laplaceShares) {
    QueryPrivacyParameters parameters = spec.parameters();
    int groups = parameters.maxGroupsContributed();
    Rational epsilon = Rational.of(parameters.epsilon());
    // Public keys make no release decision: all of δ converts ρ.
    double conversionDelta = publicKeys(spec) ? parameters.delta() : parameters.delta() / 2;
    double selectionDelta = parameters.delta() - conversionDelta;
    Rational rho = ZeroConcentratedDp.largestRho(epsilon, conversionDelta);
    Rational part = rho.divide(Rational.of(laplaceShares, 1));
    Rational epsilonPart = epsilon.divide(Rational.of(laplaceShares, 1));
    GaussianThresholding selection =
        GaussianThresholding.builder()
            .rho(part)
            .delta(publicKeys(spec) ? parameters.delta() : selectionDelta)
            .maxGroupsContributed(groups)
            .minimumDistinctUnits(parameters.minimumDistinctUnits())
            .build();
    // The number of groups changes by up to m when one unit comes or goes: L2 sensitivity m.
    GaussianMechanism groupCount =
        GaussianMechanism.builder()
            .maxContributionPerGroup(BigDecimal.ONE)
            .maxGroupsContributed(1)
            .sensitivityMultiplier(groups)
            .rho(part)
            .integerValued(true)
            .build();
    List<ValueMechanism> values = new ArrayList<>();
    List<ValueMechanism> divisors = new ArrayList<>();
    List<ColumnNoise> report = new ArrayList<>();
    for (ReleaseColumn column : spec.columns()) {
      GaussianMechanism value = null;
      GaussianMechanism divisor = null;
      switch (column.role()) {
        case GROUP_KEY -> {}
        case DISTINCT_UNITS ->
            report.add(
                new ColumnNoise(
                    column.name(),
                    selection.mechanismName(),
                    partEpsilon(part, conversionDelta, parameters.epsilon()),
                    BigDecimal.valueOf(selection.noise().sigma())
                        .round(new MathContext(6))
                        .stripTrailingZeros(),
                    BigDecimal.valueOf(selection.noise().halfWidth(CONFIDENCE)),
                    BigDecimal.ONE));
        case COUNT -> {
          value = gaussian(column.maxAbsoluteContribution(), groups, part, true);
          report.add(
              columnNoise(
                  column,
                  value,
                  value.mechanismName(),
                  partEpsilon(part, conversionDelta, parameters.epsilon())));
        }
        case SUM -> {
          value = gaussian(column.maxAbsoluteContribution(), groups, part, false);
          report.add(
              columnNoise(
                  column,
                  value,
                  value.mechanismName(),
                  partEpsilon(part, conversionDelta, parameters.epsilon())));
        }
        case AVG -> {
          value = gaussian(column.maxAbsoluteContribution(), groups, part, false);
          divisor = gaussian(column.countUpperBound(), groups, part, true);
          report.add(
              columnNoise(
                  column,
                  value,
                  value.mechanismName() + "-ratio",
                  partEpsilon(part.add(part), conversionDelta, parameters.epsilon())));
        }
      }
      values.add(value);
      divisors.add(divisor);
    }
    // Rounded up for display, but never shown above the ε it was calibrated to stay within.
    BigDecimal converted =
        BigDecimal.valueOf(ZeroConcentratedDp.epsilon(rho, conversionDelta))
            .round(new MathContext(6, java.math.RoundingMode.CEILING))
            .min(parameters.epsilon())
            .stripTrailingZeros();
    ReleaseAccounting accounting =
        new ReleaseAccounting(
            "gaussian",
            parameters.epsilon(),
            parameters.delta(),
            ZeroConcentratedDp.decimal(rho),
            converted,
            conversionDelta,
            selectionDelta);
    List<Spending> spent =
        new ArrayList<>(
            Releaser.spending(
                spec,
                epsilonPart,
                publicKeys(spec),
                false,
                spec.options().suppressedGroups(),
                selectionDelta));
    spent.add(
        new Spending(
            "converting the Gaussian noise's rho = " + accounting.rho() + " to (epsilon, delta)",
            BigDecimal.ZERO,
            conversionDelta));
    return new Mechanisms(
        epsilonPart,
        selection,
        groupCount,
        values,
        divisors,
        report,
        accounting,
        List.copyOf(spent));
  }

  static Mechanisms truncatedGeometric(ReleaseSpec spec, int laplaceShares) {
    QueryPrivacyParameters parameters = spec.parameters();
    boolean showsUnits =
        spec.columns().stream().anyMatch(column -> column.role() == ColumnRole.DISTINCT_UNITS);
    int shares = laplaceShares + (showsUnits ? 1 : 0);
    Rational share = Rational.of(parameters.epsilon()).divide(Rational.of(shares, 1));
    TruncatedGeometricSelection decision =
        TruncatedGeometricSelection.builder()
            .epsilon(share)
            .delta(parameters.delta())
            .minimumDistinctUnits(parameters.minimumDistinctUnits())
            .build();
    Optional<LaplaceMechanism> unitCount =
        showsUnits ? Optional.of(laplace(BigDecimal.ONE, share, true)) : Optional.empty();
    TruncatedGeometricRelease selection = new TruncatedGeometricRelease(decision, unitCount);
    List<ValueMechanism> values = new ArrayList<>();
    List<ValueMechanism> divisors = new ArrayList<>();
    List<ColumnNoise> report = new ArrayList<>();
    for (ReleaseColumn column : spec.columns()) {
      LaplaceMechanism value = null;
      LaplaceMechanism divisor = null;
      switch (column.role()) {
        case GROUP_KEY -> {}
        case DISTINCT_UNITS -> {
          LaplaceMechanism count = unitCount.orElseThrow();
          report.add(columnNoise(column, count, count.mechanismName(), share));
        }
        case COUNT -> {
          value = laplace(column.maxAbsoluteContribution(), share, true);
          report.add(columnNoise(column, value, value.mechanismName(), share));
        }
        case SUM -> {
          value = laplace(column.maxAbsoluteContribution(), share, false);
          report.add(columnNoise(column, value, value.mechanismName(), share));
        }
        case HISTOGRAM -> {
          value = QuantileHistogram.mechanism(share, 1);
          report.add(QuantileHistogram.noise(column, value, share));
        }
        case AVG -> {
          value = laplace(column.maxAbsoluteContribution(), share, false);
          divisor = laplace(column.countUpperBound(), share, true);
          report.add(
              columnNoise(column, value, value.mechanismName() + "-ratio", share.add(share)));
        }
      }
      values.add(value);
      divisors.add(divisor);
    }
    ReleaseAccounting accounting =
        ReleaseAccounting.laplace(
            selection.mechanismName(), parameters.epsilon(), parameters.delta());
    List<Spending> spent =
        new ArrayList<>(
            Releaser.spending(
                spec, share, false, false, spec.options().suppressedGroups(), parameters.delta()));
    spent.set(
        0,
        new Spending(
            "group release (truncated geometric)",
            share.toBigDecimal(MathContext.DECIMAL64).stripTrailingZeros(),
            parameters.delta()));
    if (showsUnits) {
      spent.add(
          1,
          new Spending(
              "distinct people (the truncated geometric decides release only)",
              share.toBigDecimal(MathContext.DECIMAL64).stripTrailingZeros(),
              0));
    }
    return new Mechanisms(
        share,
        selection,
        laplace(BigDecimal.ONE, share, true),
        values,
        divisors,
        report,
        accounting,
        List.copyOf(spent));
  }

  private static GaussianMechanism gaussian(
      BigDecimal maxContribution, int groups, Rational rho, boolean integerValued) {
    return GaussianMechanism.builder()
        .maxContributionPerGroup(maxContribution)
        .maxGroupsContributed(groups)
        .rho(rho)
        .integerValued(integerValued)
        .build();
  }

  /** Laplace noise for one group per unit (the truncated geometric applies only there). */
  private static LaplaceMechanism laplace(
      BigDecimal maxContribution, Rational epsilon, boolean integerValued) {
    return LaplaceMechanism.builder()
        .maxContributionPerGroup(maxContribution)
        .maxGroupsContributed(1)
        .epsilon(epsilon)
        .integerValued(integerValued)
        .build();
  }

  /**
   * What one Gaussian part reveals on its own: its ρ converted to ε at the conversion's δ, rounded
   * up (parts compose by ρ, so these do not add up to the query's ε), at most the query's ε.
   */
  private static BigDecimal partEpsilon(Rational partRho, double delta, BigDecimal queryEpsilon) {
    return BigDecimal.valueOf(ZeroConcentratedDp.epsilon(partRho, delta))
        .round(new MathContext(6, java.math.RoundingMode.CEILING))
        .min(queryEpsilon)
        .stripTrailingZeros();
  }

  private static ColumnNoise columnNoise(
      ReleaseColumn column, ValueMechanism mechanism, String name, BigDecimal epsilon) {
    return new ColumnNoise(
        column.name(),
        name,
        epsilon,
        mechanism.scale(),
        mechanism.halfWidth(CONFIDENCE),
        mechanism.granularity());
  }

  private static ColumnNoise columnNoise(
      ReleaseColumn column, ValueMechanism mechanism, String name, Rational epsilon) {
    return new ColumnNoise(
        column.name(),
        name,
        decimal(epsilon),
        mechanism.scale(),
        mechanism.halfWidth(CONFIDENCE),
        mechanism.granularity());
  }

  private static BigDecimal decimal(Rational value) {
    return value.toBigDecimal(MathContext.DECIMAL64).stripTrailingZeros();
  }
}
