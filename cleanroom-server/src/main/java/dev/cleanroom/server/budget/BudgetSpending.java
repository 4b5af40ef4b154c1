package dev.cleanroom.server.budget;

import dev.cleanroom.server.store.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.math.BigDecimal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** What each analyst has spent of each dataset's budget, period by period, for privacy officers. */
@ApplicationScoped
public class BudgetSpending {
  private final Jdbc jdbc;

  @Inject
  public BudgetSpending(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  /**
   * One analyst's epsilon on one dataset in one refresh period.
   *
   * @param dataset the dataset as named in SQL ({@code member.dataset})
   * @param period the refresh period ({@code lifetime} when the budget never refreshes, else a day,
   *     an ISO week or a month)
   * @param spent what the analyst has spent, or holds reserved, in that period
   */
  public record Spent(String dataset, String analyst, String period, BigDecimal spent) {}

  /** Every analyst's spending in the collaboration, by dataset, analyst and newest period first. */
  public List<Spent> of(String collaboration) {
    return jdbc.inTransaction(
        connection -> {
          try (PreparedStatement statement =
              connection.prepareStatement(
                  "select dataset, analyst, period, spent from budget_balance"
                      + " where collaboration = ? order by dataset, analyst, period desc")) {
            statement.setString(1, collaboration);
            List<Spent> spending = new ArrayList<>();
            try (ResultSet row = statement.executeQuery()) {
              while (row.next()) {
                spending.add(
                    new Spent(
                        row.getString(1),
                        row.getString(2),
                        row.getString(3),
                        row.getBigDecimal(4).stripTrailingZeros()));
              }
            }
            return spending;
          }
        });
  }
}
