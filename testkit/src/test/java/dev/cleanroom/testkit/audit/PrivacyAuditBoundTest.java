package dev.cleanroom.testkit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.cleanroom.testkit.audit.PrivacyAudit.Finding;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The bound computation on hand-made statistics, apart from any mechanism. */
class PrivacyAuditBoundTest {

  private static final PrivacyAudit AUDIT = new PrivacyAudit(1000, 0, 0.95);

  @Test
  void identicalOutputs_giveNoEvidence() {
    double[] same = new double[1000];
    Arrays.fill(same, 3.0);
    assertEquals(0, AUDIT.lowerBound(same, same.clone()).epsilonLowerBound());
  }

  @Test
  void disjointOutputs_giveTheLargestBoundTheSampleSupports() {
    double[] zeros = new double[1000];
    double[] ones = new double[1000];
    Arrays.fill(ones, 1.0);
    Finding finding = AUDIT.lowerBound(zeros, ones);
    // 500 measured runs each: the event never seen on one side is bounded by about 3.7 / 500.
    assertTrue(finding.epsilonLowerBound() > 4.5, finding.toString());
    assertTrue(finding.epsilonLowerBound() < 5.5, finding.toString());
  }

  @Test
  void knownRatio_isBoundedBelowIt() {
    // In every half: the event holds in 400 of 500 runs on one side and 100 on the other: ratio 4.
    double[] first = new double[1000];
    double[] second = new double[1000];
    for (int i = 0; i < 1000; i++) {
      first[i] = i % 5 == 0 ? 0 : 1;
      second[i] = i % 5 == 0 ? 1 : 0;
    }
    double bound = AUDIT.lowerBound(first, second).epsilonLowerBound();
    assertTrue(bound < Math.log(4) && bound > Math.log(4) - 0.5, "bound " + bound);
  }

  @Test
  void wrongNumberOfStatistics_isRejected() {
    assertThrows(
        IllegalArgumentException.class, () -> AUDIT.lowerBound(new double[10], new double[1000]));
  }
}
