package dev.cleanroom.server.query;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The version of every table a query reads, of its data and of its approved policy, by table
 * ({@code member.dataset}): what the answer reports, what its cached answer is keyed by and what
 * its audit event names.
 */
record ReadVersions(SortedMap<String, Integer> data, SortedMap<String, Integer> policies) {
  ReadVersions {
    data = Collections.unmodifiableSortedMap(new TreeMap<>(data));
    policies = Collections.unmodifiableSortedMap(new TreeMap<>(policies));
    if (!data.keySet().equals(policies.keySet())) {
      throw new IllegalArgumentException(
          "data versions of " + data.keySet() + " but policy versions of " + policies.keySet());
    }
  }

  ReadVersions(Map<String, Integer> data, Map<String, Integer> policies) {
    this(new TreeMap<>(data), new TreeMap<>(policies));
  }

  /** The tables read, in name order. */
  List<String> tables() {
    return List.copyOf(data.keySet());
  }

  /** As the audit log has always written them: {@code data={a=1, b=2} policies={a=1, b=1}}. */
  String auditText() {
    return "data=" + data + " policies=" + policies;
  }
}
