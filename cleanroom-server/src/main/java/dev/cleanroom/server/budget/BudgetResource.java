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

/** The calling analyst's epsilon spent and left, per dataset it may query. */
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

  /** One dataset's budget for the caller in the current refresh period. */
  public record DatasetBudget(
      String dataset,
      BigDecimal spent,
      BigDecimal remaining,
      BigDecimal total,
      BigDecimal epsilonPerQuery,
      BudgetRefresh refresh,
      String period) {}

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
      budgets.add(
          new DatasetBudget(
              dataset.table(),
              spent,
              BudgetArithmetic.remaining(spent, limit),
              limit.total(),
              policy.get().privacy().epsilonPerQuery(),
              limit.refresh(),
              BudgetArithmetic.periodKey(limit.refresh(), now)));
    }
    return new Budgets(analyst.member(), budgets);
  }

  public static BudgetLimit limitOf(DatasetPolicy policy) {
    return new BudgetLimit(policy.privacy().budget(), policy.privacy().budgetRefresh());
  }

  public static BudgetAccount accountOf(Caller analyst, Dataset dataset) {
    return new BudgetAccount(analyst.collaboration(), analyst.member(), dataset.table());
  }
}
