package dev.cleanroom.querypolicy.release;

/**
 * What the analyst asked of a release beyond its SQL; part of the question, so two queries with
 * different options are different questions (they have different digests). New options go at the
 * end, with their default in {@link #DEFAULT}.
 *
 * @param suppressedGroups report the noised number of groups not released; costs one share of
 *     epsilon, so it is off unless asked for
 * @param otherRow with public group keys, release one more row (keys {@code NULL}) that gathers the
 *     data's rows whose keys are outside the key set; free (see {@link ReleaseRule.PublicKeys})
 */
public record ReleaseOptions(boolean suppressedGroups, boolean otherRow) {

  /** Nothing asked beyond the SQL. */
  public static final ReleaseOptions DEFAULT = new ReleaseOptions(false, false);
}
