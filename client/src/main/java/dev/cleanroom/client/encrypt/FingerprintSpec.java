package dev.cleanroom.client.encrypt;

import static java.util.Objects.requireNonNull;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * One fingerprinted column: {@code TARGET=SOURCE[:JOIN_KEY_NAME]}.
 *
 * @param joinKeyName the name the collaboration agreed on; defaults to {@code source}
 */
record FingerprintSpec(String target, String source, String joinKeyName) {
  FingerprintSpec {
    requireNonNull(target, "target is null");
    requireNonNull(source, "source is null");
    requireNonNull(joinKeyName, "joinKeyName is null");
  }

  static FingerprintSpec parse(String text) {
    int equals = text.indexOf('=');
    if (equals <= 0 || equals == text.length() - 1) {
      throw new TypeConversionException("--fingerprint expects TARGET=SOURCE[:JOIN_KEY_NAME]");
    }
    String target = text.substring(0, equals);
    String rest = text.substring(equals + 1);
    int colon = rest.indexOf(':');
    String source = colon < 0 ? rest : rest.substring(0, colon);
    String name = colon < 0 ? source : rest.substring(colon + 1);
    if (source.isEmpty() || name.isEmpty()) {
      throw new TypeConversionException("--fingerprint expects TARGET=SOURCE[:JOIN_KEY_NAME]");
    }
    return new FingerprintSpec(target, source, name);
  }

  /** Picocli's converter for {@code --fingerprint}. */
  static final class Converter implements ITypeConverter<FingerprintSpec> {
    @Override
    public FingerprintSpec convert(String value) {
      return parse(value);
    }
  }
}
