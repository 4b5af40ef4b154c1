package dev.cleanroom.querypolicy.analysis;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.querypolicy.rewrite.PrivateQuery;
import java.util.List;

/** The outcome of analysing one query: refused with every violation, or accepted and rewritten. */
public sealed interface AnalysisResult {

  /** The query breaks at least one rule. */
  record Rejected(List<Violation> violations) implements AnalysisResult {
    public Rejected {
      violations = List.copyOf(requireNonNull(violations, "violations is null"));
      if (violations.isEmpty()) {
        throw new IllegalArgumentException("a rejection has at least one violation");
      }
    }
  }

  /** The query is allowed; its private plan is ready to run. */
  record Accepted(PrivateQuery query) implements AnalysisResult {
    public Accepted {
      requireNonNull(query, "query is null");
    }
  }
}
