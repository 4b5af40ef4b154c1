package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.noise.GroupSelection;
import dev.cleanroom.querypolicy.noise.Rational;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Chooses a query's mechanism from its parameters only (bounds, m, k, ε, δ and the column list,
 * never the data), by the accuracy the mechanisms' exact distributions give.
 *
 * <p>The rule for {@code auto}: every applicable candidate (the Laplace threshold; Gaussian noise
 * with Gaussian thresholding without a remainder row; the truncated geometric for one group per
 * unit without a remainder row) is scored by the mean, over the query's noised columns and the
 * smallest group shown with probability 95%, of {@code ln(candidate / laplace)} (each column's 95%
 * half-width plus its grid step, so that a zero width compares); the lowest score wins if it is
 * below {@link #MINIMUM_GAIN}, else Laplace stays.
 */
public final class MechanismChoice {

  /** A candidate must beat Laplace by 2% on the mean log ratio to be chosen. */
  static final double MINIMUM_GAIN = -0.02;

  /**
   * One candidate's accuracy.
   *
   * @param mechanism {@code laplace}, {@code truncated-geometric} or {@code gaussian}
   * @param noise the noise report, one entry per noised column in spec order
   * @param smallestShownAt95 the smallest group (in distinct units) shown with probability ≥ 95%
   * @param smallestShownAt50 the same at 50%
   * @param score mean log ratio to Laplace (0 for Laplace; lower is better)
   */
  public record Candidate(
      String mechanism,
      List<ColumnNoise> noise,
      long smallestShownAt95,
      long smallestShownAt50,
      double score) {}

  private MechanismChoice() {}

  /** Every applicable candidate for the spec, Laplace first, whatever the spec's preference. */
  public static List<Candidate> candidates(ReleaseSpec spec) {
    Releaser laplace = Releaser.forSpec(specWith(spec, MechanismPreference.LAPLACE));
    List<Candidate> candidates = new ArrayList<>();
    Candidate reference =
        candidate(
            "laplace",
            laplace.noiseReport(),
            laplace.groupSelection(),
            null,
            spec.rule() instanceof ReleaseRule.PublicKeys);
    candidates.add(reference);
    for (AlternativeMechanisms.Mechanisms alternative : alternatives(laplace)) {
      candidates.add(
          candidate(
              alternative.accounting().mechanism(),
              alternative.noiseReport(),
              alternative.selection(),
              reference,
              spec.rule() instanceof ReleaseRule.PublicKeys));
    }
    return candidates;
  }

  /** The alternative to the Laplace release the spec's preference asks for, if any. */
  static Optional<AlternativeMechanisms.Mechanisms> choose(Releaser laplace) {
    ReleaseSpec spec = laplace.spec();
    return switch (spec.parameters().mechanism()) {
      case LAPLACE -> Optional.empty();
      case GAUSSIAN -> {
        if (!AlternativeMechanisms.gaussianApplies(spec)) {
          throw new PolicyException(
              PolicyErrorCode.INVALID_PRIVACY_PARAMETER,
              "mechanism 'gaussian' cannot release a remainder row or an other row (their values"
                  + " would have the sensitivity of m groups in one row) nor a quantile histogram"
                  + " (noised with Laplace only); ask for 'laplace' or 'auto'");
        }
        yield Optional.of(AlternativeMechanisms.gaussian(spec, shares(laplace)));
      }
      case AUTO -> {
        Candidate reference =
            candidate(
                "laplace",
                laplace.noiseReport(),
                laplace.groupSelection(),
                null,
                spec.rule() instanceof ReleaseRule.PublicKeys);
        AlternativeMechanisms.Mechanisms best = null;
        double bestScore = MINIMUM_GAIN;
        for (AlternativeMechanisms.Mechanisms alternative : alternatives(laplace)) {
          double score =
              candidate(
                      alternative.accounting().mechanism(),
                      alternative.noiseReport(),
                      alternative.selection(),
                      reference,
                      spec.rule() instanceof ReleaseRule.PublicKeys)
                  .score();
          if (score < bestScore) {
            bestScore = score;
            best = alternative;
          }
        }
        yield Optional.ofNullable(best);
      }
    };
  }

  /**
   * The applicable alternatives; one whose parameters are out of its range (e.g. a huge ε) is left
   * out, as Laplace can still release the query.
   */
  private static List<AlternativeMechanisms.Mechanisms> alternatives(Releaser laplace) {
    ReleaseSpec spec = laplace.spec();
    List<AlternativeMechanisms.Mechanisms> alternatives = new ArrayList<>();
    if (AlternativeMechanisms.truncatedGeometricApplies(spec)) {
      buildable(() -> AlternativeMechanisms.truncatedGeometric(spec, shares(laplace)))
          .ifPresent(alternatives::add);
    }
    if (AlternativeMechanisms.gaussianApplies(spec)) {
      buildable(() -> AlternativeMechanisms.gaussian(spec, shares(laplace)))
          .ifPresent(alternatives::add);
    }
    return alternatives;
  }

  private static Optional<AlternativeMechanisms.Mechanisms> buildable(
      Supplier<AlternativeMechanisms.Mechanisms> build) {
    try {
      return Optional.of(build.get());
    } catch (PolicyException e) {
      if (e.code() != PolicyErrorCode.INVALID_PRIVACY_PARAMETER) {
        throw e;
      }
      return Optional.empty();
    }
  }

  /** How many equal shares the Laplace release splits ε into. */
  private static int shares(Releaser laplace) {
    return Rational.of(laplace.spec().parameters().epsilon())
        .divide(laplace.epsilonShare())
        .floor()
        .intValueExact();
  }

  private static Candidate candidate(
      String mechanism,
      List<ColumnNoise> noise,
      GroupSelection selection,
      Candidate reference,
      boolean publicKeys) {
    long at95 = selection.smallestCountReleasedWith(0.95);
    long at50 = selection.smallestCountReleasedWith(0.5);
    double score = 0;
    if (reference != null) {
      // Under public keys no group waits on a release decision: only the noise compares.
      boolean decides = !publicKeys;
      double sum = decides ? Math.log((double) at95 / reference.smallestShownAt95()) : 0;
      for (int i = 0; i < noise.size(); i++) {
        sum += Math.log(width(noise.get(i)) / width(reference.noise().get(i)));
      }
      score = sum / (noise.size() + (decides ? 1 : 0));
    }
    return new Candidate(mechanism, noise, at95, at50, score);
  }

  private static double width(ColumnNoise noise) {
    return noise.ci95HalfWidth().add(noise.granularity()).doubleValue();
  }

  private static ReleaseSpec specWith(ReleaseSpec spec, MechanismPreference preference) {
    requireNonNull(spec, "spec is null");
    return spec.withParameters(spec.parameters().withMechanism(preference));
  }
}
