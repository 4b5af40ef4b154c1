package dev.cleanroom.client.encrypt;

import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ClientVersion;
import dev.cleanroom.client.session.Console;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.connectors.ConnectorException;
import dev.cleanroom.connectors.crypto.SharedSecret;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code encrypt}: fingerprints join keys under the collaboration's shared secret, drops raw PII
 * columns and shuffles rows, on the member's own machine. The secret is never an argument: only the
 * name of an environment variable or a file holding it.
 */
@Command(
    name = "encrypt",
    mixinStandardHelpOptions = true,
    versionProvider = ClientVersion.class,
    header = "Fingerprint join keys, drop PII columns and shuffle rows of a CSV, locally.",
    sortOptions = false,
    description = {
      "Turns a CSV into an upload whose join keys are HMAC-SHA256 fingerprints under a key derived"
          + " from the secret the collaboration's members share (the server never holds it),"
          + " with raw PII columns dropped and rows shuffled. Nothing is sent anywhere.",
      "NULL or blank join keys stay NULL. See docs/CLIENT-ENCRYPTION.md for the format."
    })
public final class EncryptCommand implements Callable<Integer> {
  private final Console console;

  @Option(names = "--input", required = true, paramLabel = "IN.csv", description = "UTF-8 CSV")
  private Path input;

  @Option(
      names = "--output",
      required = true,
      paramLabel = "OUT.csv",
      description = "written to a temporary file and renamed: a failed run leaves nothing")
  private Path output;

  @Option(
      names = {"-c", "--collaboration"},
      required = true,
      paramLabel = "ID",
      description = "the collaboration's name; fingerprints of one are useless in another")
  private String collaboration;

  @ArgGroup(exclusive = true, multiplicity = "1")
  private SecretSource secretSource;

  @Option(
      names = "--fingerprint",
      required = true,
      paramLabel = "TARGET=SOURCE[:JOIN_KEY_NAME]",
      converter = FingerprintSpec.Converter.class,
      description = {
        "writes fingerprints of column SOURCE into column TARGET (TARGET may equal SOURCE);"
            + " JOIN_KEY_NAME, agreed by the collaboration, defaults to SOURCE; the name 'email'"
            + " selects e-mail canonicalisation. Repeatable."
      })
  private List<FingerprintSpec> fingerprints = new ArrayList<>();

  @Option(
      names = "--drop",
      paramLabel = "COLUMN",
      description = "leaves a column (e.g. raw PII) out of the output. Repeatable.")
  private Set<String> drop = new HashSet<>();

  @Spec private CommandSpec spec;

  /** Where the shared secret is read from: exactly one of the two. */
  static final class SecretSource {
    @Option(
        names = "--secret-env",
        required = true,
        paramLabel = "VARIABLE",
        description = "the environment variable holding the shared secret")
    String environmentVariable;

    @Option(
        names = "--secret-file",
        required = true,
        paramLabel = "FILE",
        description = "a file holding the shared secret (surrounding whitespace is removed)")
    Path file;
  }

  public EncryptCommand(Console console) {
    this.console = console;
  }

  /** Refused while parsing, before anything else is checked, so the reason is the one shown. */
  @Option(names = "--secret", hidden = true, paramLabel = "SECRET")
  void refuseSecretArgument(String ignored) {
    throw new ParameterException(
        spec.commandLine(),
        "the secret is never given on the command line; use --secret-env or --secret-file");
  }

  @Override
  public Integer call() {
    ClientEncryption encryption =
        new ClientEncryption(collaboration, fingerprints, drop, new SecureRandom());
    long rows = encryption.encrypt(input, output, readSecret());
    console.err().println("wrote " + rows + " shuffled rows to " + output);
    return ExitStatus.OK.code();
  }

  private SharedSecret readSecret() {
    String text;
    if (secretSource.environmentVariable != null) {
      text = console.environment().get(secretSource.environmentVariable);
      if (text == null) {
        throw ClientException.usage(
            "environment variable '" + secretSource.environmentVariable + "' is not set");
      }
    } else {
      try {
        text = Files.readString(secretSource.file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw ClientException.usage("cannot read secret file '" + secretSource.file + "'");
      }
    }
    try {
      return SharedSecret.fromText(text);
    } catch (ConnectorException e) {
      // Names the length required and given, never the secret.
      throw new ClientException(ExitStatus.FAILURE, e.getMessage(), e);
    }
  }
}
