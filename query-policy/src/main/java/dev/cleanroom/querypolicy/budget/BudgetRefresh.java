package dev.cleanroom.querypolicy.budget;

/**
 * When a budget starts again from zero. {@link #NONE} is the default: every refresh lets a patient
 * analyst learn more in total, without bound over time.
 */
public enum BudgetRefresh {
  NONE,
  DAILY,
  WEEKLY,
  MONTHLY
}
