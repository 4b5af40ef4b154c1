package dev.cleanroom.client.audit;

import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ClientVersion;
import dev.cleanroom.client.session.Console;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.client.session.JsonText;
import dev.cleanroom.client.session.ServerOptions;
import dev.cleanroom.client.session.TextTable;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code audit list}: the audit events, oldest first, as a table. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    versionProvider = ClientVersion.class,
    header = "List audit events, oldest first.",
    sortOptions = false,
    description = {
      "Prints audit events oldest first: position, time, actor, action, datasets, epsilon,"
          + " outcome and detail. Privacy officers see every event, providers those of their own"
          + " datasets and actions."
    })
public final class AuditListCommand implements Callable<Integer> {
  private final Console console;

  @Mixin private ServerOptions server;

  @Option(
      names = "--after",
      paramLabel = "POSITION",
      defaultValue = "0",
      description = "list events after this position (default: ${DEFAULT-VALUE})")
  private long after;

  @Option(
      names = "--limit",
      paramLabel = "N",
      defaultValue = "100",
      description = "at most this many events (default: ${DEFAULT-VALUE})")
  private long limit;

  public AuditListCommand(Console console) {
    this.console = console;
  }

  @Override
  public Integer call() {
    if (after < 0 || limit < 1) {
      throw ClientException.usage("--after must be >= 0 and --limit >= 1");
    }
    TextTable table =
        new TextTable(
            List.of(
                "position", "time", "actor", "action", "datasets", "epsilon", "outcome", "detail"),
            List.of(true, false, false, false, false, true, false, false));
    new AuditPages(server.connect(console))
        .read(
            after,
            limit,
            event ->
                table.add(
                    Arrays.asList(
                        Long.toString(event.position()),
                        event.time().toString(),
                        event.actor(),
                        event.action(),
                        String.join(",", event.datasets()),
                        event.epsilon() == null ? "" : JsonText.plain(event.epsilon()),
                        event.outcome(),
                        event.detail())));
    table.print(console.out());
    return ExitStatus.OK.code();
  }
}
