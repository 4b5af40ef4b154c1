package dev.cleanroom.server.budget;

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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The calling analyst's epsilon spent and left per dataset it may query, next to what all analysts
 * of the dataset together have spent of its shared ceiling; for privacy officers, what every
 * analyst has spent.
 */
@Tag(name = "Budgets")
@Path("/api/v1/collaborations/{collaboration}/budget")
@Produces(MediaType.APPLICATION_JSON)
public class BudgetResource {
  private final BudgetAccounts accounts;
  private final DatasetCatalog catalog;
  private final Policies policies;
  private final CurrentCaller caller;
  private final Clock clock;
  private final BudgetSpending spending;

  @Inject
  public BudgetResource(
      BudgetAccounts accounts,
      DatasetCatalog catalog,
      Policies policies,
      CurrentCaller caller,
      Clock clock,
      BudgetSpending spending) {
    this.spending = spending;
    this.accounts = accounts;
    this.catalog = catalog;
    this.policies = policies;
    this.caller = caller;
    this.clock = clock;
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

  @Operation(
      summary =
          "The calling analyst's epsilon spent and left per dataset, and each dataset's ceiling shared by all analysts")
  @APIResponse(
      responseCode = "200",
      description =
          "Per dataset: spent, remaining (the smaller of the caller's own rest and the shared rest), total, refresh period")
  @APIResponse(responseCode = "403", description = "Not an analyst")
  @GET
  public Budgets budgets(@PathParam("collaboration") String collaboration) {
    Caller analyst = caller.get().require(collaboration, Role.ANALYST);
    Instant now = clock.instant();
    List<DatasetBudget> budgets = new ArrayList<>();
    for (Dataset dataset : catalog.list(analyst.collaborationId())) {
      Optional<DatasetPolicy> policy = policies.current(dataset);
      if (policy.isEmpty() || !policy.get().allowedAnalysts().contains(analyst.member())) {
        continue;
      }
      BudgetAccounts.Balance balance = accounts.balance(analyst, dataset, policy.get(), now);
      budgets.add(
          new DatasetBudget(
              dataset.table(),
              balance.spent(),
              balance.remaining(),
              balance.limit().analystTotal(),
              policy.get().privacy().epsilonPerQuery(),
              balance.limit().refresh(),
              balance.period(),
              new SharedBudget(
                  balance.sharedSpent(),
                  balance.sharedRemaining(),
                  balance.limit().datasetTotal())));
    }
    return new Budgets(analyst.member(), budgets);
  }

  @Operation(
      summary =
          "What every analyst has spent of each dataset's budget, per refresh period (privacy officer)")
  @APIResponse(
      responseCode = "200",
      description = "Per dataset, analyst and period (newest first): the epsilon spent or reserved")
  @APIResponse(responseCode = "403", description = "Not a privacy officer")
  @GET
  @Path("/analysts")
  public List<BudgetSpending.Spent> analysts(@PathParam("collaboration") String collaboration) {
    Caller officer = caller.get().require(collaboration, Role.PRIVACY_OFFICER);
    return spending.of(officer.collaboration());
  }
}
