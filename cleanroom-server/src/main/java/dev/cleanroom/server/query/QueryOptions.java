package dev.cleanroom.server.query;

import dev.cleanroom.querypolicy.PolicyException;
import dev.cleanroom.querypolicy.release.MechanismPreference;
import dev.cleanroom.server.problem.ServerException;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * What an analyst asks of a query beyond its SQL ({@code "options"} of the request body); part of
 * the question, so different options are different questions.
 *
 * @param mechanism {@code auto} (default: the more accurate for this query, chosen from its
 *     parameters only), {@code laplace} or {@code gaussian}
 */
@Schema(description = "Options of a query beyond its SQL")
public record QueryOptions(
    @Schema(
            description =
                "Noise: auto (default, the more accurate for this query), laplace or gaussian",
            enumeration = {"auto", "laplace", "gaussian"})
        String mechanism) {

  /** Nothing asked beyond the SQL. */
  public static final QueryOptions DEFAULT = new QueryOptions(null);

  public QueryOptions {
    if (mechanism != null) {
      mechanismPreference(mechanism);
    }
  }

  /** The mechanism asked for; {@code auto} when none is named. */
  public MechanismPreference mechanismPreference() {
    return mechanism == null ? MechanismPreference.AUTO : mechanismPreference(mechanism);
  }

  private static MechanismPreference mechanismPreference(String name) {
    try {
      return MechanismPreference.fromWireName(name);
    } catch (PolicyException e) {
      throw ServerException.malformed("'options.mechanism': " + e.getMessage());
    }
  }
}
