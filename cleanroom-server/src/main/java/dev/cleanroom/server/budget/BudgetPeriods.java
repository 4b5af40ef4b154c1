package dev.cleanroom.server.budget;

import dev.cleanroom.querypolicy.budget.BudgetRefresh;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;

/** Names the refresh period (UTC) that contains an instant: the key of a budget balance. */
public final class BudgetPeriods {
  private BudgetPeriods() {}

  public static String periodOf(BudgetRefresh refresh, Instant now) {
    LocalDate day = LocalDate.ofInstant(now, ZoneOffset.UTC);
    return switch (refresh) {
      case NONE -> "lifetime";
      case DAILY -> day.toString();
      case WEEKLY ->
          String.format(
              "%d-W%02d",
              day.get(IsoFields.WEEK_BASED_YEAR), day.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
      case MONTHLY -> String.format("%d-%02d", day.getYear(), day.getMonthValue());
    };
  }
}
