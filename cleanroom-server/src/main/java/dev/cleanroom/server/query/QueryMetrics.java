package dev.cleanroom.server.query;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.server.budget.QueryCharge;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.logging.Logger;

/**
 * The query flow's meters, for the operator's {@code /q/metrics} (README, "Operating it"). A meter
 * that fails is logged and skipped: what a query answers never depends on its instruments.
 */
@ApplicationScoped
public class QueryMetrics {
  private static final Logger LOG = Logger.getLogger(QueryMetrics.class);
  static final String NO_ENGINE = "none";

  private final MeterRegistry registry;
  private final Map<BudgetAccount, AtomicReference<Double>> remaining = new ConcurrentHashMap<>();

  @Inject
  public QueryMetrics(MeterRegistry registry) {
    this.registry = requireNonNull(registry, "registry is null");
  }

  /** How a query ended, for the duration timer. */
  enum Outcome {
    ANSWERED,
    CACHED,
    REFUSED,
    FAILED;

    String tag() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  Timer.Sample started() {
    return Timer.start(registry);
  }

  /**
   * {@code cleanroom.query.duration}: from admission to answer or refusal, by outcome and by the
   * engine that executed the plan ({@code none} if none did).
   */
  void ended(Timer.Sample sample, Outcome outcome, String engine) {
    safely(
        () ->
            sample.stop(
                Timer.builder("cleanroom.query.duration")
                    .description("Time from admission to answer or refusal")
                    .tag("outcome", outcome.tag())
                    .tag("engine", engine)
                    .publishPercentileHistogram()
                    .maximumExpectedValue(Duration.ofMinutes(2))
                    .register(registry)));
  }

  /** {@code cleanroom.answer.cache}: answer cache lookups by result. */
  void cacheLookup(boolean hit) {
    safely(
        () ->
            Counter.builder("cleanroom.answer.cache")
                .description("Answer cache lookups")
                .tag("result", hit ? "hit" : "miss")
                .register(registry)
                .increment());
  }

  /** {@code cleanroom.epsilon.spent}: the charge was committed on each of its datasets. */
  void committed(QueryCharge charge) {
    safely(
        () -> {
          for (BudgetAccount account : charge.accounts().keySet()) {
            Counter.builder("cleanroom.epsilon.spent")
                .description("Epsilon committed by queries")
                .tag("collaboration", account.collaboration())
                .tag("dataset", account.dataset())
                .register(registry)
                .increment(charge.epsilon().doubleValue());
          }
        });
  }

  /** {@code cleanroom.budget.remaining}: what each account has left, as of its last answer. */
  void remaining(Map<BudgetAccount, BigDecimal> left) {
    safely(() -> left.forEach((account, value) -> gauge(account).set(value.doubleValue())));
  }

  private AtomicReference<Double> gauge(BudgetAccount account) {
    return remaining.computeIfAbsent(
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
        });
  }

  private static void safely(Runnable measure) {
    try {
      measure.run();
    } catch (RuntimeException e) {
      LOG.warnf("event=metric_not_recorded reason=%s", e.getClass().getSimpleName());
    }
  }
}
