package dev.cleanroom.examples.corpus;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One example file: a query and its expected outcome (see examples/README.md). */
record ExampleCase(
    String name,
    String analyst,
    String sql,
    List<String> violations,
    String error,
    List<String> rows,
    List<String> planLines) {

  private static final Set<String> SECTIONS =
      Set.of("analyst", "sql", "violations", "error", "rows", "plan");

  ExampleCase {
    requireNonNull(name, "name is null");
    requireNonNull(sql, "sql of " + name + " is null");
    int outcomes = (violations != null ? 1 : 0) + (error != null ? 1 : 0) + (rows != null ? 1 : 0);
    if (outcomes != 1 && !(outcomes == 0 && planLines != null)) {
      throw new IllegalArgumentException(
          name + ": give exactly one of violations:, error:, rows: (plan: may go with rows:)");
    }
  }

  boolean expectsAcceptance() {
    return rows != null || (violations == null && error == null);
  }

  static ExampleCase read(Path file) throws IOException {
    String name = file.getFileName().toString();
    Map<String, List<String>> sections = new LinkedHashMap<>();
    List<String> current = null;
    for (String line : Files.readAllLines(file)) {
      int colon = line.indexOf(':');
      String head = colon > 0 ? line.substring(0, colon) : "";
      if (colon > 0 && SECTIONS.contains(head) && !line.startsWith(" ")) {
        if (sections.containsKey(head)) {
          throw new IllegalArgumentException(name + ": section " + head + " appears twice");
        }
        current = new ArrayList<>();
        sections.put(head, current);
        String rest = line.substring(colon + 1).trim();
        if (!rest.isEmpty()) {
          current.add(rest);
        }
      } else if (current != null) {
        current.add(line);
      } else if (!line.isBlank() && !line.startsWith("#")) {
        throw new IllegalArgumentException(name + ": text before the first section: " + line);
      }
    }
    return new ExampleCase(
        name,
        single(sections.get("analyst"), "advertiser"),
        sections.containsKey("sql") ? String.join("\n", sections.get("sql")).strip() : null,
        nonBlank(sections.get("violations")),
        single(sections.get("error"), null),
        nonBlank(sections.get("rows")),
        nonBlank(sections.get("plan")));
  }

  private static String single(List<String> lines, String fallback) {
    List<String> values = nonBlank(lines);
    return values == null || values.isEmpty() ? fallback : values.get(0);
  }

  private static List<String> nonBlank(List<String> lines) {
    if (lines == null) {
      return null;
    }
    return lines.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  @Override
  public String toString() {
    return name;
  }
}
