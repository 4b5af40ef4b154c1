package dev.cleanroom.client.audit;

import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ClientVersion;
import dev.cleanroom.client.session.Console;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.client.session.ServerOptions;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code audit verify}: fetches every event and recomputes the hash chain on this machine, so the
 * member need not trust the server's own {@code /audit/verify}.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    versionProvider = ClientVersion.class,
    header = "Recompute the audit hash chain here; exit 5 when it is broken.",
    sortOptions = false,
    description = {
      "Fetches every audit event of the collaboration and recomputes the hash chain here:"
          + " positions consecutive from 1, each event naming its predecessor's hash, each hash"
          + " equal to SHA-256 over the event's fields.",
      "Prints 'OK' with the number of events and the head (newest) hash, or 'BROKEN' with the"
          + " first position that fails (exit status 5). Record the head hash: giving it later"
          + " with --known-head also detects history rewritten or cut off after it.",
      "Needs a privacy officer's key: a provider's key lists only some of the events."
    })
public final class AuditVerifyCommand implements Callable<Integer> {
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");

  private final Console console;

  @Mixin private ServerOptions server;

  @Option(
      names = "--known-head",
      paramLabel = "HASH",
      description = "a head hash printed by an earlier verify, which the chain must still hold")
  private String knownHead;

  public AuditVerifyCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() {
    if (knownHead != null && !HASH.matcher(knownHead).matches()) {
      throw ClientException.usage("--known-head expects 64 lower-case hexadecimal characters");
    }
    AuditPages pages = new AuditPages(server.connect(console));
    ChainVerifier[] verifier = new ChainVerifier[1];
    pages.read(
        0,
        Long.MAX_VALUE,
        event -> {
          if (verifier[0] == null) {
            verifier[0] = new ChainVerifier(pages.collaborationId(), knownHead);
          }
          verifier[0].accept(event);
        });
    ChainCheck check =
        verifier[0] == null ? new ChainVerifier(0, knownHead).result() : verifier[0].result();
    if (check.valid()) {
      console
          .out()
          .println(
              "OK: "
                  + check.verifiedEvents()
                  + " events, head at position "
                  + check.verifiedEvents()
                  + ": "
                  + check.headHash());
      return ExitStatus.OK.code();
    }
    console
        .out()
        .println(
            "BROKEN at position "
                + check.firstBrokenPosition()
                + ": "
                + check.reason()
                + " ("
                + check.verifiedEvents()
                + " events before it verify)");
    return ExitStatus.CHAIN_BROKEN.code();
  }
}
