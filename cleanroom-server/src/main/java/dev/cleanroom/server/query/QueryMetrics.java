package dev.cleanroom.server.query;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.server.budget.BudgetAccounts;
import dev.cleanroom.server.budget.QueryCharge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * What the query flow tells the operator's metrics ({@code /q/metrics} on the management port,
 * never on the members' port: the latencies there are exact, while the answers members see are not
 * timed to that precision, see docs/PRIVACY.md).
 *
 * <ul>
 *   <li>{@code cleanroom.query.duration} (timer, with a histogram): from admission to answer or
 *       refusal, by {@code outcome} (answered, cached, refused, failed) and {@code engine} (the one
 *       that executed the plan, {@code none} if none did); its count is the number of queries.
 *   <li>{@code cleanroom.answer.cache} (counter): lookups by {@code result} (hit, miss).
 *   <li>{@code cleanroom.epsilon.spent} (counter): epsilon committed per {@code collaboration} and
 *       {@code dataset}, by answered and failed queries alike.
 *   <li>{@code cleanroom.budget.remaining} (gauge): what an {@code analyst} can still spend on a
 *       {@code dataset} in the current refresh period, as of its last charge since start-up.
 * </ul>
 */
@ApplicationScoped
public class QueryMetrics {
  private static final Logger LOG = Logger.getLogger(QueryMetrics.class);
  static final String NO_ENGINE = "none";

  private final MeterRegistry registry;
  private final BudgetAccounts budgets;
  private final Map<BudgetAccount, AtomicReference<Double>> remaining = new ConcurrentHashMap<>();

  @Inject
  public QueryMetrics(MeterRegistry registry, BudgetAccounts budgets) {
    this.registry = registry;
    this.budgets = budgets;
  }

  /** How a query ended, for the duration timer. */
  enum Outcome {
    ANSWERED,
    CACHED,
    REFUSED,
    FAILED;

    String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  Timer.Sample started() {
    return Timer.start(registry);
  }

  void ended(Timer.Sample sample, Outcome outcome, String engine) {
    sample.stop(
        Timer.builder("cleanroom.query.duration")
            .description("Time from admission to answer or refusal")
            .tag("outcome", outcome.tag())
            .tag("engine", engine)
            .publishPercentileHistogram()
            .maximumExpectedValue(Duration.ofMinutes(2))
            .register(registry));
  }

  void cacheLookup(boolean hit) {
    Counter.builder("cleanroom.answer.cache")
        .description("Answer cache lookups")
        .tag("result", hit ? "hit" : "miss")
        .register(registry)
        .increment();
  }

  /** The charge was committed: epsilon spent on each dataset, and what its analyst has left. */
  void committed(QueryCharge charge) {
    for (BudgetAccount account : charge.accounts().keySet()) {
      Counter.builder("cleanroom.epsilon.spent")
          .description("Epsilon committed by queries")
          .tag("collaboration", account.collaboration())
          .tag("dataset", account.dataset())
          .register(registry)
          .increment(charge.epsilon().doubleValue());
    }
    try {
      budgets.remainingByAccount(charge).forEach(this::remaining);
    } catch (RuntimeException e) {
      // The answer is committed; a gauge that could not be read must not turn it into a failure.
      LOG.warnf("event=budget_gauge_not_updated reason=%s", e.getClass().getSimpleName());
    }
  }

  private void remaining(BudgetAccount account, BigDecimal left) {
    remaining
        .computeIfAbsent(
            account,
            key -> {
              AtomicReference<Double> value = new AtomicReference<>(0.0);
              Gauge.builder("cleanroom.budget.remaining", value, AtomicReference::get)
                  .description("Epsilon an analyst can still spend on a dataset this period")
                  .tag("collaboration", key.collaboration())
                  .tag("dataset", key.dataset())
                  .tag("analyst", key.analyst())
                  .register(registry);
              return value;
            })
        .set(left.doubleValue());
  }
}
