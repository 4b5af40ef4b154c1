package dev.cleanroom.connectors.crypto;

import java.text.Normalizer;
import java.util.Locale;
import java.util.Optional;

/**
 * How an identifier is normalised before it is fingerprinted, so two parties holding the same
 * person produce the same bytes. See docs/CLIENT-ENCRYPTION.md for the exact steps.
 */
public enum IdentifierKind {
  /** Strip surrounding whitespace, Unicode NFC, lower-case (root locale). */
  TEXT {
    @Override
    Optional<String> normalize(String raw) {
      String text = basic(raw);
      return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }
  },
  /**
   * {@link #TEXT}, then: exactly one {@code @} with a non-empty local part and domain; drop a
   * {@code +tag} from the local part; for {@code gmail.com} and {@code googlemail.com} drop dots in
   * the local part and use {@code gmail.com} as the domain.
   */
  EMAIL {
    @Override
    Optional<String> normalize(String raw) {
      String text = basic(raw);
      if (text.isEmpty()) {
        return Optional.empty();
      }
      int at = text.indexOf('@');
      if (at <= 0 || at != text.lastIndexOf('@') || at == text.length() - 1) {
        throw new IllegalArgumentException("not an e-mail address");
      }
      String local = text.substring(0, at);
      String domain = text.substring(at + 1);
      int plus = local.indexOf('+');
      if (plus >= 0) {
        local = local.substring(0, plus);
      }
      if (domain.equals("gmail.com") || domain.equals("googlemail.com")) {
        local = local.replace(".", "");
        domain = "gmail.com";
      }
      if (local.isEmpty()) {
        throw new IllegalArgumentException("not an e-mail address");
      }
      return Optional.of(local + "@" + domain);
    }
  };

  /**
   * The normalised identifier, or empty for NULL/blank input (which stays NULL and so never joins).
   *
   * @throws IllegalArgumentException if the input is not of this kind (the message holds no value)
   */
  abstract Optional<String> normalize(String raw);

  private static String basic(String raw) {
    return Normalizer.normalize(raw.strip(), Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
  }

  /** The kind for a join-key name: {@code email} gets e-mail canonicalisation, others text. */
  public static IdentifierKind forJoinKeyName(String joinKeyName) {
    return joinKeyName.equals("email") ? EMAIL : TEXT;
  }
}
