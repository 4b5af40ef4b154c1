package dev.cleanroom.server.budget;

import dev.cleanroom.querypolicy.budget.BudgetAccount;
import dev.cleanroom.querypolicy.budget.BudgetArithmetic;
import dev.cleanroom.querypolicy.budget.BudgetLimit;
import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import dev.cleanroom.querypolicy.policy.DatasetPolicy;
import dev.cleanroom.server.auth.Caller;
import dev.cleanroom.server.auth.CurrentCaller;
import dev.cleanroom.server.auth.Role;
import dev.cleanroom.server.dataset.Dataset;
import dev.cleanroom.server.dataset.DatasetCatalog;
import dev.cleanroom.server.policy.Policies;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The calling analyst's epsilon spent and left per dataset it may query, next to what all analysts
 * of the dataset together have spent of its shared ceiling.
 */
@Path("/api/v1/collaborations/{collaboration}/budget")
@Produces(MediaType.APPLICATION_JSON)
public class BudgetResource {
  private final JdbcBudgetLedger ledger;
  private final DatasetCatalog catalog;
  private final Policies policies;
  private final CurrentCaller caller;

  @Inject
  public BudgetResource(
      JdbcBudgetLedger ledger, DatasetCatalog catalog, Policies policies, CurrentCaller caller) {
    this.ledger = ledger;
    this.catalog = catalog;
    this.policies = policies;
    this.caller = caller;
  }

  /**
   * One dataset's budget for the caller in the current refresh period.
   *
   * @param spent what the caller has spent (or holds reserved)
   * @param remaining what the caller can still spend: its own {@code total} minus {@code spent}, or
   *     what is left of the shared ceiling if that is less
   * @param total the caller's own budget (the policy's {@code budget})
   * @param allAnalysts the ceiling all analysts of the dataset share
   */
  public record DatasetBudget(
      String dataset,
      BigDecimal spent,
      BigDecimal remaining,
      BigDecimal total,
      BigDecimal epsilonPerQuery,
      BudgetRefresh refresh,
      String period,
      SharedBudget allAnalysts) {}

  /**
   * The dataset's ceiling shared by all analysts, in the same refresh period.
   *
   * @param spent what all analysts together have spent (or hold reserved), the caller included
   * @param remaining {@code total} minus {@code spent}, never negative
   * @param total the policy's {@code datasetBudget}
   */
  public record SharedBudget(BigDecimal spent, BigDecimal remaining, BigDecimal total) {}

  /** The budgets of every dataset with an approved policy that lets the caller query it. */
  public record Budgets(String analyst, List<DatasetBudget> datasets) {}

  @GET
  public Budgets budgets(@PathParam("collaboration") String collaboration) {
    Caller analyst = caller.get().require(collaboration, Role.ANALYST);
    Instant now = Clock.systemUTC().instant();
    List<DatasetBudget> budgets = new ArrayList<>();
    for (Dataset dataset : catalog.list(analyst.collaborationId())) {
      Optional<DatasetPolicy> policy = policies.current(dataset);
      if (policy.isEmpty() || !policy.get().allowedAnalysts().contains(analyst.member())) {
        continue;
      }
      BudgetLimit limit = limitOf(policy.get());
      BudgetAccount account = accountOf(analyst, dataset);
      BigDecimal spent = ledger.spent(account, limit, now);
      BigDecimal sharedSpent = ledger.spentByAllAnalysts(account.datasetAccount(), limit, now);
      budgets.add(
          new DatasetBudget(
              dataset.table(),
              spent,
              BudgetArithmetic.plain(BudgetArithmetic.remaining(spent, sharedSpent, limit)),
              limit.analystTotal(),
              policy.get().privacy().epsilonPerQuery(),
              limit.refresh(),
              BudgetArithmetic.periodKey(limit.refresh(), now),
              new SharedBudget(
                  sharedSpent,
                  BudgetArithmetic.plain(
                      BudgetArithmetic.remaining(sharedSpent, limit.datasetTotal())),
                  limit.datasetTotal())));
    }
    return new Budgets(analyst.member(), budgets);
  }

  public static BudgetLimit limitOf(DatasetPolicy policy) {
    return new BudgetLimit(
        policy.privacy().budget(),
        policy.privacy().datasetBudget(),
        policy.privacy().budgetRefresh());
  }

  public static BudgetAccount accountOf(Caller analyst, Dataset dataset) {
    return new BudgetAccount(analyst.collaboration(), analyst.member(), dataset.table());
  }
}
