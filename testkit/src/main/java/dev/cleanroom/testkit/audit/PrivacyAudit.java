package dev.cleanroom.testkit.audit;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.noise.NoiseSource;
import dev.cleanroom.querypolicy.release.ReleasedResult;
import dev.cleanroom.querypolicy.release.Releaser;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * An empirical lower bound on the epsilon of a private mechanism: run it many times on two
 * neighbouring datasets, pick the output event whose probability differs most on the first half of
 * the runs, and bound the ratio of its probabilities on the second half with Clopper-Pearson
 * intervals. A mechanism that is (ε, δ)-private cannot yield a bound above ε except with
 * probability {@code 1 - confidence}; a broken one yields a bound above its claim.
 *
 * @param trialsPerDataset runs on each dataset, half to choose the event and half to measure it
 * @param delta the δ the mechanism claims; subtracted from the larger probability
 * @param confidence of the bound, split evenly between its two Clopper-Pearson intervals
 */
public record PrivacyAudit(int trialsPerDataset, double delta, double confidence) {

  /** The statistic of a run in which the watched group was not released. */
  public static final double NOT_RELEASED = Double.NEGATIVE_INFINITY;

  /** Candidate thresholds tried when choosing the event. */
  private static final int CANDIDATE_THRESHOLDS = 256;

  public PrivacyAudit {
    if (trialsPerDataset < 100) {
      throw new IllegalArgumentException(
          "trialsPerDataset must be >= 100, was " + trialsPerDataset);
    }
    if (!(delta >= 0 && delta < 1)) {
      throw new IllegalArgumentException("delta must be in [0, 1), was " + delta);
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("confidence must be in (0, 1), was " + confidence);
    }
  }

  /** One run of a private mechanism on a dataset, reduced to one number. */
  @FunctionalInterface
  public interface Mechanism<D> {
    double run(D dataset, NoiseSource source);
  }

  /**
   * The audit's finding.
   *
   * @param epsilonLowerBound ε is at least this, at the audit's confidence (0 if no evidence)
   * @param event the output event that gave the bound, for the test report
   * @param firstProbability the event's frequency on the evaluation runs of the likelier dataset
   * @param secondProbability its frequency on the evaluation runs of the other dataset
   */
  public record Finding(
      double epsilonLowerBound, String event, double firstProbability, double secondProbability) {}

  /**
   * The private pipeline as an auditable mechanism: the exact engine (run once per dataset, as it
   * is deterministic; checked), then the release, then the statistic of the released result.
   */
  public static <D> Mechanism<D> pipeline(
      Function<D, List<Object[]>> exactEngine,
      Releaser releaser,
      ToDoubleFunction<ReleasedResult> statistic) {
    requireNonNull(exactEngine, "exactEngine is null");
    requireNonNull(releaser, "releaser is null");
    requireNonNull(statistic, "statistic is null");
    Map<D, List<Object[]>> exactRows = new IdentityHashMap<>();
    return (dataset, source) -> {
      List<Object[]> rows =
          exactRows.computeIfAbsent(
              dataset,
              key -> {
                List<Object[]> once = exactEngine.apply(key);
                List<Object[]> twice = exactEngine.apply(key);
                if (!Arrays.deepEquals(once.toArray(), twice.toArray())) {
                  throw new IllegalArgumentException(
                      "the exact engine is not deterministic; the audit runs it once per dataset");
                }
                return once;
              });
      return statistic.applyAsDouble(releaser.release(rows, source));
    };
  }

  /**
   * The value of column {@code valueColumn} in the released row whose column {@code keyColumn}
   * equals {@code key}, or {@link #NOT_RELEASED}.
   */
  public static ToDoubleFunction<ReleasedResult> releasedValue(
      int keyColumn, Object key, int valueColumn) {
    return result -> {
      for (Object[] row : result.rows()) {
        if (Objects.equals(row[keyColumn], key)) {
          return ((Number) row[valueColumn]).doubleValue();
        }
      }
      return NOT_RELEASED;
    };
  }

  /** 1 if the group whose column {@code keyColumn} equals {@code key} was released, else 0. */
  public static ToDoubleFunction<ReleasedResult> released(int keyColumn, Object key) {
    return result ->
        result.rows().stream().anyMatch(row -> Objects.equals(row[keyColumn], key)) ? 1 : 0;
  }

  /** 1 if the result has a remainder row, else 0. */
  public static ToDoubleFunction<ReleasedResult> remainderReleased() {
    return result -> result.remainderRow().isPresent() ? 1 : 0;
  }

  /** Runs the mechanism on both datasets and bounds its epsilon. */
  public <D> Finding audit(Mechanism<D> mechanism, D dataset, D neighbour, NoiseSource source) {
    requireNonNull(mechanism, "mechanism is null");
    requireNonNull(source, "source is null");
    double[] first = new double[trialsPerDataset];
    double[] second = new double[trialsPerDataset];
    for (int i = 0; i < trialsPerDataset; i++) {
      first[i] = mechanism.run(dataset, source);
      second[i] = mechanism.run(neighbour, source);
    }
    return lowerBound(first, second);
  }

  /** Bounds epsilon from the statistics of runs on two neighbouring datasets. */
  public Finding lowerBound(double[] first, double[] second) {
    if (first.length != trialsPerDataset || second.length != trialsPerDataset) {
      throw new IllegalArgumentException(
          "need "
              + trialsPerDataset
              + " statistics per dataset, got "
              + first.length
              + " and "
              + second.length);
    }
    int half = trialsPerDataset / 2;
    double[] chooseFirst = sorted(first, 0, half);
    double[] chooseSecond = sorted(second, 0, half);
    double[] measureFirst = sorted(first, half, trialsPerDataset);
    double[] measureSecond = sorted(second, half, trialsPerDataset);

    Event best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (double threshold : candidates(chooseFirst, chooseSecond)) {
      for (boolean atLeast : new boolean[] {true, false}) {
        long inFirst = count(chooseFirst, threshold, atLeast);
        long inSecond = count(chooseSecond, threshold, atLeast);
        for (boolean firstIsLikelier : new boolean[] {true, false}) {
          double score =
              firstIsLikelier
                  ? roughScore(inFirst, inSecond, half)
                  : roughScore(inSecond, inFirst, half);
          if (score > bestScore) {
            bestScore = score;
            best = new Event(threshold, atLeast, firstIsLikelier);
          }
        }
      }
    }
    if (best == null) {
      return new Finding(0, "no event", 0, 0);
    }
    long trials = trialsPerDataset - half;
    long inFirst = count(measureFirst, best.threshold(), best.atLeast());
    long inSecond = count(measureSecond, best.threshold(), best.atLeast());
    long likely = best.firstIsLikelier() ? inFirst : inSecond;
    long unlikely = best.firstIsLikelier() ? inSecond : inFirst;
    double eachConfidence = 1 - (1 - confidence) / 2;
    double likelyLower = ClopperPearson.lower(likely, trials, eachConfidence);
    double unlikelyUpper = ClopperPearson.upper(unlikely, trials, eachConfidence);
    double bound =
        likelyLower <= delta ? 0 : Math.max(0, Math.log((likelyLower - delta) / unlikelyUpper));
    return new Finding(
        bound, best.describe(), (double) likely / trials, (double) unlikely / trials);
  }

  private record Event(double threshold, boolean atLeast, boolean firstIsLikelier) {
    String describe() {
      return (firstIsLikelier ? "first" : "second")
          + " dataset likelier to give a statistic "
          + (atLeast ? ">= " : "<= ")
          + threshold;
    }
  }

  /**
   * A quick, deliberately cautious bound used only to choose the event: normal intervals of three
   * standard errors, the smaller probability never taken below 3 / n.
   */
  private double roughScore(long likely, long unlikely, long trials) {
    double p = (double) likely / trials;
    double q = (double) unlikely / trials;
    double pLower = p - 3 * Math.sqrt(p * (1 - p) / trials);
    double qUpper = Math.max(q + 3 * Math.sqrt(q * (1 - q) / trials), 3.0 / trials);
    return pLower - delta <= 0 ? Double.NEGATIVE_INFINITY : Math.log((pLower - delta) / qUpper);
  }

  private static double[] candidates(double[] first, double[] second) {
    TreeSet<Double> values = new TreeSet<>();
    for (double[] sample : List.of(first, second)) {
      for (int i = 0; i < CANDIDATE_THRESHOLDS; i++) {
        values.add(sample[(int) ((long) i * (sample.length - 1) / (CANDIDATE_THRESHOLDS - 1))]);
      }
    }
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  /** How many sorted values are {@code >= threshold} (or {@code <= threshold}). */
  private static long count(double[] sortedValues, double threshold, boolean atLeast) {
    int firstAtLeast = firstIndex(sortedValues, threshold, false);
    int firstAbove = firstIndex(sortedValues, threshold, true);
    return atLeast ? sortedValues.length - firstAtLeast : firstAbove;
  }

  /** The first index whose value is {@code >= threshold} (or {@code > threshold}). */
  private static int firstIndex(double[] sortedValues, double threshold, boolean strictly) {
    int low = 0;
    int high = sortedValues.length;
    while (low < high) {
      int middle = (low + high) >>> 1;
      boolean before =
          strictly ? sortedValues[middle] <= threshold : sortedValues[middle] < threshold;
      if (before) {
        low = middle + 1;
      } else {
        high = middle;
      }
    }
    return low;
  }

  private static double[] sorted(double[] values, int from, int to) {
    double[] part = Arrays.copyOfRange(values, from, to);
    Arrays.sort(part);
    return part;
  }
}
