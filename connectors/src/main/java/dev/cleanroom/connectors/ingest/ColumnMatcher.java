package dev.cleanroom.connectors.ingest;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.dataset.DatasetSchema;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Matches an upload's column names to the declaration: names must be exactly the declared ones, in
 * any order. A name that differs only by case, spacing, width or look-alike letters is refused as
 * such, not silently mapped, so a column cannot slip in under a confusable name.
 */
final class ColumnMatcher {
  // Cyrillic and Greek letters that render like Latin ones in common fonts.
  private static final Map<Character, Character> CONFUSABLES =
      Map.ofEntries(
          Map.entry('а', 'a'),
          Map.entry('с', 'c'),
          Map.entry('е', 'e'),
          Map.entry('һ', 'h'),
          Map.entry('і', 'i'),
          Map.entry('ј', 'j'),
          Map.entry('к', 'k'),
          Map.entry('м', 'm'),
          Map.entry('о', 'o'),
          Map.entry('р', 'p'),
          Map.entry('ѕ', 's'),
          Map.entry('т', 't'),
          Map.entry('у', 'y'),
          Map.entry('х', 'x'),
          Map.entry('α', 'a'),
          Map.entry('ε', 'e'),
          Map.entry('ι', 'i'),
          Map.entry('κ', 'k'),
          Map.entry('ν', 'v'),
          Map.entry('ο', 'o'),
          Map.entry('ρ', 'p'),
          Map.entry('τ', 't'),
          Map.entry('υ', 'u'),
          Map.entry('χ', 'x'));

  private ColumnMatcher() {}

  /**
   * For each upload column, the index of the declared column it is.
   *
   * @throws ConnectorException with {@code DUPLICATE_COLUMN}, {@code LOOKALIKE_COLUMN}, {@code
   *     UNKNOWN_COLUMN} or {@code MISSING_COLUMN}
   */
  static int[] match(List<String> uploadNames, DatasetSchema schema) {
    int[] declaredIndex = new int[uploadNames.size()];
    boolean[] present = new boolean[schema.size()];
    for (int i = 0; i < uploadNames.size(); i++) {
      String name = uploadNames.get(i);
      String position = "column " + (i + 1) + " of the header";
      if (name == null || name.isEmpty()) {
        throw new ConnectorException(ConnectorErrorCode.MISSING_COLUMN, position + " has no name");
      }
      int index = schema.indexOf(name).orElse(-1);
      if (index < 0) {
        String skeleton = skeleton(name);
        if (schema.indexOf(skeleton).isPresent()) {
          throw new ConnectorException(
              ConnectorErrorCode.LOOKALIKE_COLUMN,
              position
                  + " differs from the declared column '"
                  + skeleton
                  + "' only by case, spacing or look-alike characters");
        }
        throw new ConnectorException(
            ConnectorErrorCode.UNKNOWN_COLUMN,
            position + " is not a declared column; declared: " + schema.names());
      }
      if (present[index]) {
        throw new ConnectorException(
            ConnectorErrorCode.DUPLICATE_COLUMN,
            position + " repeats column '" + schema.column(index).name() + "'");
      }
      present[index] = true;
      declaredIndex[i] = index;
    }
    for (int j = 0; j < present.length; j++) {
      if (!present[j]) {
        throw new ConnectorException(
            ConnectorErrorCode.MISSING_COLUMN,
            "declared column '" + schema.column(j).name() + "' is missing from the upload");
      }
    }
    return declaredIndex;
  }

  /** The name with width, case, invisible characters, spacing and confusables folded away. */
  static String skeleton(String name) {
    String folded = Normalizer.normalize(name, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    StringBuilder result = new StringBuilder(folded.length());
    for (int i = 0; i < folded.length(); i++) {
      char c = folded.charAt(i);
      if (Character.getType(c) == Character.FORMAT) {
        continue; // zero-width characters and the byte-order mark
      }
      if (Character.isWhitespace(c) || c == '-') {
        if (result.length() > 0) {
          result.append('_');
        }
        continue;
      }
      result.append(CONFUSABLES.getOrDefault(c, c));
    }
    int end = result.length();
    while (end > 0 && result.charAt(end - 1) == '_') {
      end--;
    }
    return result.substring(0, end);
  }
}
