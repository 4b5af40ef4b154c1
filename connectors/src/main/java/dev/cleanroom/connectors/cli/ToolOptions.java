package dev.cleanroom.connectors.cli;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The client tool's parsed command line. The shared secret is never an argument: only the name of
 * an environment variable or a file holding it, so it stays out of shell history and process lists.
 */
record ToolOptions(
    Path input,
    Path output,
    String collaborationId,
    List<FingerprintSpec> fingerprints,
    Set<String> dropColumns,
    String secretEnvironmentVariable,
    Path secretFile) {

  static final String USAGE =
      """
      usage: client-encrypt --input IN.csv --output OUT.csv --collaboration ID
                            (--secret-env VARIABLE | --secret-file FILE)
                            --fingerprint TARGET=SOURCE[:JOIN_KEY_NAME] ...
                            [--drop COLUMN ...]
        --fingerprint  writes HMAC-SHA256 fingerprints of column SOURCE into column TARGET
                       (TARGET may equal SOURCE); JOIN_KEY_NAME, agreed by the collaboration,
                       defaults to SOURCE; the name 'email' selects e-mail canonicalisation
        --drop         leaves a column (e.g. raw PII) out of the output
        rows are shuffled; NULL or blank join keys stay NULL
      """;

  /** One fingerprinted column. */
  record FingerprintSpec(String target, String source, String joinKeyName) {
    FingerprintSpec {
      requireNonNull(target, "target is null");
      requireNonNull(source, "source is null");
      requireNonNull(joinKeyName, "joinKeyName is null");
    }

    static FingerprintSpec parse(String text) {
      int equals = text.indexOf('=');
      if (equals <= 0 || equals == text.length() - 1) {
        throw usage("--fingerprint expects TARGET=SOURCE[:JOIN_KEY_NAME]");
      }
      String target = text.substring(0, equals);
      String rest = text.substring(equals + 1);
      int colon = rest.indexOf(':');
      String source = colon < 0 ? rest : rest.substring(0, colon);
      String name = colon < 0 ? source : rest.substring(colon + 1);
      if (source.isEmpty() || name.isEmpty()) {
        throw usage("--fingerprint expects TARGET=SOURCE[:JOIN_KEY_NAME]");
      }
      return new FingerprintSpec(target, source, name);
    }
  }

  ToolOptions {
    requireNonNull(input, "input is null");
    requireNonNull(output, "output is null");
    requireNonNull(collaborationId, "collaborationId is null");
    fingerprints = List.copyOf(fingerprints);
    dropColumns = Set.copyOf(dropColumns);
    if ((secretEnvironmentVariable == null) == (secretFile == null)) {
      throw usage("give exactly one of --secret-env and --secret-file");
    }
    if (fingerprints.isEmpty()) {
      throw usage("give at least one --fingerprint");
    }
    Set<String> targets = new HashSet<>();
    for (FingerprintSpec spec : fingerprints) {
      if (!targets.add(spec.target())) {
        throw usage("column '" + spec.target() + "' is the target of two --fingerprint options");
      }
      if (dropColumns.contains(spec.target())) {
        throw usage("column '" + spec.target() + "' is both fingerprinted and dropped");
      }
    }
  }

  static ToolOptions parse(String[] args) {
    Path input = null;
    Path output = null;
    String collaboration = null;
    String secretEnv = null;
    Path secretFile = null;
    List<FingerprintSpec> fingerprints = new ArrayList<>();
    Set<String> drop = new HashSet<>();
    for (int i = 0; i < args.length; i++) {
      String option = args[i];
      if (option.equals("--secret") || option.startsWith("--secret=")) {
        throw usage(
            "the secret is never given on the command line; use --secret-env or --secret-file");
      }
      if (i + 1 >= args.length) {
        throw usage("option '" + option + "' needs a value");
      }
      String value = args[++i];
      switch (option) {
        case "--input" -> input = Path.of(value);
        case "--output" -> output = Path.of(value);
        case "--collaboration" -> collaboration = value;
        case "--secret-env" -> secretEnv = value;
        case "--secret-file" -> secretFile = Path.of(value);
        case "--fingerprint" -> fingerprints.add(FingerprintSpec.parse(value));
        case "--drop" -> drop.add(value);
        default -> throw usage("unknown option '" + option + "'");
      }
    }
    if (input == null || output == null || collaboration == null) {
      throw usage("--input, --output and --collaboration are required");
    }
    return new ToolOptions(input, output, collaboration, fingerprints, drop, secretEnv, secretFile);
  }

  private static ConnectorException usage(String problem) {
    return new ConnectorException(ConnectorErrorCode.USAGE, problem);
  }
}
