package dev.cleanroom.testkit.audit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.cleanroom.testkit.audit.PlainExactEngine.Contribution;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainExactEngineTest {

  private static Contribution row(Object unit, String group, String metric) {
    return new Contribution(unit, List.of(group), new BigDecimal(metric));
  }

  @Test
  void unitContribution_clampedPerGroupAndCountedOnce() {
    PlainExactEngine engine =
        new PlainExactEngine(BigDecimal.ZERO, new BigDecimal("100"), 2, 5, 42);
    List<Contribution> rows = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      rows.add(row("heavy", "g", "60"));
    }
    rows.add(row("light", "g", "7"));

    List<Object[]> exact = engine.run(rows);

    assertEquals(1, exact.size());
    assertArrayEquals(new Object[] {"g", new BigDecimal("107"), 3L, 2L}, exact.get(0));
  }

  @Test
  void unitInManyGroups_keepsOnlyMaxGroupsContributed() {
    PlainExactEngine engine = new PlainExactEngine(BigDecimal.ZERO, BigDecimal.TEN, 1, 2, 42);
    List<Contribution> rows = new ArrayList<>();
    for (int g = 0; g < 10; g++) {
      rows.add(row("u", "g" + g, "1"));
    }
    List<Object[]> exact = engine.run(rows);
    assertEquals(2, exact.size());
    assertEquals(2L, exact.stream().mapToLong(row -> (Long) row[3]).sum());
  }

  @Test
  void negativeSums_clampedToTheLowerBound() {
    PlainExactEngine engine = new PlainExactEngine(new BigDecimal("-5"), BigDecimal.TEN, 1, 1, 1);
    List<Object[]> exact = engine.run(List.of(row("u", "g", "-50"), row("v", "g", "3")));
    assertEquals(new BigDecimal("-2"), exact.get(0)[1]);
  }

  @Test
  void innerJoin_pairsEqualKeysAndDropsNullsAndUnmatched() {
    List<Object[]> customers = List.of(new Object[] {1L, "h1"}, new Object[] {2L, "h2"});
    List<Object[]> impressions =
        List.of(
            new Object[] {"h1", "c1"},
            new Object[] {"h1", "c2"},
            new Object[] {null, "c3"},
            new Object[] {"h9", "c4"});
    List<Object[]> joined = PlainExactEngine.innerJoin(customers, 1, impressions, 0);
    assertEquals(2, joined.size());
    assertArrayEquals(new Object[] {1L, "h1", "h1", "c1"}, joined.get(0));
  }
}
