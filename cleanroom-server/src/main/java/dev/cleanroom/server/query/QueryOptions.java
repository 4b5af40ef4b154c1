package dev.cleanroom.server.query;

import com.fasterxml.jackson.annotation.JsonIgnore;
import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.policy.ColumnPolicy;
import dev.cleanroom.querypolicy.release.MechanismPreference;
import dev.cleanroom.querypolicy.release.ReleaseOptions;
import dev.cleanroom.server.problem.ServerException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The optional {@code options} of a query request: what the analyst asks of the release beyond the
 * SQL. Part of the question: an answer is stored and found again per SQL and options. A field left
 * out takes its default; an unknown field is refused (400), so a typo cannot silently change what
 * is spent.
 *
 * @param suppressedGroups report the noised number of groups not shown (costs one share of epsilon;
 *     default false, and then the report has no suppressed count)
 * @param otherRow with public group keys, add one row with NULL keys gathering the data's rows
 *     whose keys are outside the key set (free; default false)
 * @param mechanism {@code auto} (default: the more accurate for this query, chosen from its
 *     parameters only), {@code laplace} or {@code gaussian}
 * @param targetHalfWidth explain only: for a noised column (by name), the 95% half-width the
 *     analyst wants; explain answers the epsilon per query it needs (default: a table at standard
 *     targets for every noised column). It changes no answer, so it is not part of an answer's
 *     cache key
 * @param purpose the purpose the query declares (the request's top-level {@code purpose}, not a
 *     field of {@code options}), or null: a table that records consent by purpose is read only for
 *     one of its purposes and only the rows consenting to it. Part of the question and of the
 *     answer's cache key
 * @param template the approved template (and version) the query runs, {@code name@version}, or null
 *     for free SQL; recorded in the audit log
 */
@Schema(description = "What the release does beyond the SQL; every field optional")
public record QueryOptions(
    @Schema(
            description =
                "Report the noised number of groups not shown; costs one share of epsilon",
            defaultValue = "false")
        Boolean suppressedGroups,
    @Schema(
            description =
                "With public group keys, one more row (NULL keys) for the rows whose keys are"
                    + " outside the key set",
            defaultValue = "false")
        Boolean otherRow,
    @Schema(
            description =
                "Noise: auto (default, the more accurate for this query), laplace or gaussian",
            enumeration = {"auto", "laplace", "gaussian"})
        String mechanism,
    @Schema(
            description =
                "Explain only: per noised column, the 95% half-width wanted; explain answers the"
                    + " epsilon per query that gives it")
        Map<String, BigDecimal> targetHalfWidth,
    @JsonIgnore @Schema(hidden = true) String purpose,
    @JsonIgnore @Schema(hidden = true) String template) {

  /** No option asked: every default. */
  public static final QueryOptions DEFAULT = new QueryOptions(false, false, null, null, null, null);

  /** Options of a query that declares no purpose. */
  public QueryOptions(
      Boolean suppressedGroups,
      Boolean otherRow,
      String mechanism,
      Map<String, BigDecimal> targetHalfWidth) {
    this(suppressedGroups, otherRow, mechanism, targetHalfWidth, null, null);
  }

  /** The same options for a query that declares {@code purpose} (null: none). */
  public QueryOptions withPurpose(String purpose) {
    return new QueryOptions(
        suppressedGroups, otherRow, mechanism, targetHalfWidth, purpose, template);
  }

  /** The same options for a run of the approved template {@code reference} ({@code name@v}). */
  public QueryOptions withTemplate(String reference) {
    return new QueryOptions(
        suppressedGroups, otherRow, mechanism, targetHalfWidth, purpose, reference);
  }

  public QueryOptions {
    suppressedGroups = Boolean.TRUE.equals(suppressedGroups);
    otherRow = Boolean.TRUE.equals(otherRow);
    if (mechanism != null) {
      mechanismPreference(mechanism);
    }
    // A null target is refused by explain with its column's name, so it is kept here.
    targetHalfWidth = targetHalfWidth == null ? Map.of() : new LinkedHashMap<>(targetHalfWidth);
    if (purpose != null && !ColumnPolicy.PURPOSE.matcher(purpose).matches()) {
      throw ServerException.malformed(
          "'purpose' must be a lower-case identifier of at most 32 characters ([a-z][a-z0-9_]*),"
              + " e.g. measurement");
    }
  }

  /** The options as the release reads them. */
  ReleaseOptions release() {
    return new ReleaseOptions(suppressedGroups, otherRow);
  }

  /** The mechanism asked for; {@code auto} when none is named. */
  public MechanismPreference mechanismPreference() {
    return mechanism == null ? MechanismPreference.AUTO : mechanismPreference(mechanism);
  }

  /** The options asked, for the audit log: {@code options=none} or {@code options=a,b}. */
  String auditText() {
    List<String> asked = new ArrayList<>();
    if (suppressedGroups) {
      asked.add("suppressedGroups");
    }
    if (otherRow) {
      asked.add("otherRow");
    }
    if (mechanism != null) {
      asked.add("mechanism:" + mechanismPreference().wireName());
    }
    return "options="
        + (asked.isEmpty() ? "none" : String.join(",", asked))
        + " purpose="
        + (purpose == null ? "none" : purpose)
        + (template == null ? "" : " template=" + template);
  }

  private static MechanismPreference mechanismPreference(String name) {
    try {
      return MechanismPreference.fromWireName(name);
    } catch (PolicyException e) {
      throw ServerException.malformed("'options.mechanism': " + e.getMessage());
    }
  }
}
