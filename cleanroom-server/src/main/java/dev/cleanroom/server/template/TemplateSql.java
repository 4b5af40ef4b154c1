package dev.cleanroom.server.template;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A template's SQL and its named placeholders ({@code :campaign}), found by a scan that knows SQL's
 * lexical structure: a colon inside a string literal, a quoted identifier or a comment is not a
 * placeholder, nor is {@code ::}. Binding writes each value as a literal token of its declared type
 * at its placeholder's place ({@link TemplateParameter.Type#literal}), so a value can only ever be
 * a literal: text is quoted with its quotes doubled, numbers, dates and booleans are rewritten from
 * their parsed value. What the bound SQL means is then decided by the analyser on its plan, as for
 * any query.
 */
record TemplateSql(String text, List<Placeholder> placeholders) {

  /** One occurrence of {@code :name}, from {@code start} (the colon) to {@code end}. */
  record Placeholder(String name, int start, int end) {}

  static TemplateSql of(String text) {
    List<Placeholder> found = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == '\'' || c == '"') {
        i = afterQuoted(text, i, c);
      } else if (c == '-' && i + 1 < n && text.charAt(i + 1) == '-') {
        int lineEnd = text.indexOf('\n', i);
        i = lineEnd < 0 ? n : lineEnd + 1;
      } else if (c == '/' && i + 1 < n && text.charAt(i + 1) == '*') {
        int close = text.indexOf("*/", i + 2);
        i = close < 0 ? n : close + 2;
      } else if (c == ':' && i + 1 < n && text.charAt(i + 1) == ':') {
        i += 2;
      } else if (c == ':' && i + 1 < n && isNameStart(text.charAt(i + 1))) {
        int end = i + 2;
        while (end < n && isNamePart(text.charAt(end))) {
          end++;
        }
        found.add(new Placeholder(text.substring(i + 1, end), i, end));
        i = end;
      } else {
        i++;
      }
    }
    return new TemplateSql(text, List.copyOf(found));
  }

  /** The SQL with every placeholder replaced by the literal text given for its name. */
  String bind(Map<String, String> literals) {
    StringBuilder bound = new StringBuilder(text.length() + 64);
    int from = 0;
    for (Placeholder placeholder : placeholders) {
      bound.append(text, from, placeholder.start());
      String literal = literals.get(placeholder.name());
      if (literal == null) {
        throw new IllegalStateException("no literal for :" + placeholder.name());
      }
      bound.append(literal);
      from = placeholder.end();
    }
    return bound.append(text, from, text.length()).toString();
  }

  /** The index after a quoted run starting at {@code start}; a doubled quote stays inside. */
  private static int afterQuoted(String text, int start, char quote) {
    int i = start + 1;
    while (i < text.length()) {
      if (text.charAt(i) == quote) {
        if (i + 1 < text.length() && text.charAt(i + 1) == quote) {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return text.length();
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || (c >= '0' && c <= '9');
  }
}
