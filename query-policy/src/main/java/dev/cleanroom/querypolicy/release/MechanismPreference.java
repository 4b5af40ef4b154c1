package dev.cleanroom.querypolicy.release;

import dev.cleanroom.querypolicy.PolicyErrorCode;
import dev.cleanroom.querypolicy.PolicyException;
import java.util.Arrays;
import java.util.Locale;

/** Which noise an analyst asks for ({@code options.mechanism} of a query request). */
public enum MechanismPreference {
  /** The mechanism with the better accuracy for this query, chosen from its parameters only. */
  AUTO,
  /** Discrete Laplace noise and the Laplace threshold (pure ε per column). */
  LAPLACE,
  /** Discrete Gaussian noise and Gaussian thresholding, composed under zCDP. */
  GAUSSIAN;

  /** The name a request uses: {@code auto}, {@code laplace}, {@code gaussian}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a request's value; an unknown name fails with the list of known ones. */
  public static MechanismPreference fromWireName(String name) {
    for (MechanismPreference preference : values()) {
      if (preference.wireName().equals(name)) {
        return preference;
      }
    }
    throw new PolicyException(
        PolicyErrorCode.INVALID_PRIVACY_PARAMETER,
        "mechanism must be one of "
            + Arrays.stream(values()).map(MechanismPreference::wireName).toList()
            + ", was '"
            + name
            + "'");
  }
}
