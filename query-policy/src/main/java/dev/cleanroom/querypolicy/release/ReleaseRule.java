package dev.cleanroom.querypolicy.release;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * How a release decides which groups an answer shows: a noisy threshold on each group's number of
 * people, or a key set fixed before the data is read (public group keys).
 */
public sealed interface ReleaseRule permits ReleaseRule.Threshold, ReleaseRule.PublicKeys {

  /** The most key combinations a public-key release shows; beyond it the threshold decides. */
  long MAX_PUBLIC_KEYS = 10_000;

  /** The rule as the privacy report names it: {@code threshold} or {@code public keys: ...}. */
  String describe();

  /**
   * A group is shown when its exact number of people is at least k and its noisy number reaches the
   * threshold ({@link dev.cleanroom.querypolicy.noise.PartitionSelection}).
   *
   * @param note why public keys were not used although every group key had a key set (the product
   *     was too large), or empty
   */
  record Threshold(String note) implements ReleaseRule {
    /** The rule when no group key has a public key set. */
    public static final Threshold PLAIN = new Threshold("");

    public Threshold {
      requireNonNull(note, "note is null");
    }

    @Override
    public String describe() {
      return "threshold";
    }
  }

  /**
   * Exactly the cross product of the group keys' public sets is shown, whatever the data: a key
   * without rows shows noised zeros, and rows whose key is outside the set are left out (or
   * gathered in the other row). The keys come from the policy or from the query's SQL, never from
   * the data, so the set of rows shown is data-independent and needs no threshold and no delta.
   *
   * @param keySets one per group key of the aggregate, in group-key order
   */
  record PublicKeys(List<KeySet> keySets) implements ReleaseRule {
    public PublicKeys {
      keySets = List.copyOf(requireNonNull(keySets, "keySets is null"));
      if (keySets.isEmpty()) {
        throw new IllegalArgumentException("public keys need at least one group key");
      }
      for (int i = 0; i < keySets.size(); i++) {
        if (keySets.get(i).groupField() != i) {
          throw new IllegalArgumentException(
              "key set " + i + " is for group field " + keySets.get(i).groupField());
        }
      }
      if (keyCount(keySets) > MAX_PUBLIC_KEYS) {
        throw new IllegalArgumentException(
            "public keys hold more than " + MAX_PUBLIC_KEYS + " combinations");
      }
    }

    /** The number of key combinations, capped just above the maximum to avoid overflow. */
    public static long keyCount(List<KeySet> keySets) {
      long count = 1;
      for (KeySet set : keySets) {
        count = Math.min(count * set.values().size(), MAX_PUBLIC_KEYS + 1);
      }
      return count;
    }

    /** The number of rows the release shows (besides the optional other row). */
    public long keyCount() {
      return keyCount(keySets);
    }

    @Override
    public String describe() {
      boolean policy = keySets.stream().anyMatch(s -> s.source() == KeySource.POLICY);
      boolean query = keySets.stream().anyMatch(s -> s.source() == KeySource.QUERY);
      return "public keys: " + (policy && query ? "policy and query" : policy ? "policy" : "query");
    }

    /** Every key combination, one value per group field, in a canonical order. */
    public List<Object[]> combinations() {
      List<Object[]> combinations = new ArrayList<>();
      combinations.add(new Object[0]);
      for (KeySet set : keySets) {
        List<Object> values = new ArrayList<>(set.values());
        values.sort(ReleaseOrder::compareValues);
        List<Object[]> next = new ArrayList<>(combinations.size() * values.size());
        for (Object[] prefix : combinations) {
          for (Object value : values) {
            Object[] combination = java.util.Arrays.copyOf(prefix, prefix.length + 1);
            combination[prefix.length] = value;
            next.add(combination);
          }
        }
        combinations = next;
      }
      return combinations;
    }
  }

  /**
   * The values one group key can take in the release.
   *
   * @param groupField the group key's index in the aggregate's row
   * @param column the base column the key is, qualified
   * @param source where the values come from
   * @param values distinct values: text, or whole numbers as {@link Long}
   */
  record KeySet(int groupField, String column, KeySource source, List<Object> values) {
    public KeySet {
      requireNonNull(column, "column is null");
      requireNonNull(source, "source is null");
      values = List.copyOf(requireNonNull(values, "values is null"));
      if (groupField < 0) {
        throw new IllegalArgumentException("groupField must be >= 0, was " + groupField);
      }
    }
  }

  /** Where a key set comes from. */
  enum KeySource {
    /** The column's {@code publicValues} in its policy. */
    POLICY,
    /** A top-level {@code IN} or {@code =} condition of the query on the column. */
    QUERY
  }
}
