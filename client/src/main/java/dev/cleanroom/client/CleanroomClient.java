package dev.cleanroom.client;

import dev.cleanroom.client.audit.AuditCommand;
import dev.cleanroom.client.budget.BudgetCommand;
import dev.cleanroom.client.encrypt.EncryptCommand;
import dev.cleanroom.client.query.QueryCommand;
import dev.cleanroom.client.session.ClientException;
import dev.cleanroom.client.session.ClientVersion;
import dev.cleanroom.client.session.Console;
import dev.cleanroom.client.session.ExitStatus;
import dev.cleanroom.client.subject.SubjectCommand;
import dev.cleanroom.client.upload.UploadCommand;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The clean room's command-line client: {@code java -jar cleanroom-client.jar COMMAND ...}. Data
 * goes to stdout, messages to stderr, and the exit status says what happened ({@link ExitStatus}).
 */
@Command(
    name = "cleanroom",
    mixinStandardHelpOptions = true,
    versionProvider = ClientVersion.class,
    subcommands = {
      EncryptCommand.class,
      UploadCommand.class,
      QueryCommand.class,
      BudgetCommand.class,
      AuditCommand.class,
      SubjectCommand.class,
      CommandLine.HelpCommand.class
    },
    description = {
      "The clean room's command-line client. The server's URL comes from --server or"
          + " $CLEANROOM_SERVER, your API key from --api-key-file or $CLEANROOM_API_KEY (never"
          + " from an argument, which other users can see in the process list)."
    })
public final class CleanroomClient {
  private CleanroomClient() {}

  public static void main(String[] args) {
    // Parquet logs through SLF4J, which has no provider here: choose its silent fallback
    // explicitly and quietly, so that SLF4J prints no notice on stderr, which is for our messages.
    System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
    System.setProperty("slf4j.internal.verbosity", "WARN");
    System.exit(run(args, Console.system()));
  }

  /** Runs one command line; answers the exit status. */
  public static int run(String[] args, Console console) {
    return commandLine(console).execute(args);
  }

  static CommandLine commandLine(Console console) {
    CommandLine commandLine = new CommandLine(new CleanroomClient(), new Factory(console));
    commandLine
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(new PrintWriter(console.out(), true, StandardCharsets.UTF_8))
        .setErr(new PrintWriter(console.err(), true, StandardCharsets.UTF_8))
        .setExecutionExceptionHandler(
            (exception, failed, parseResult) -> {
              String name = failed.getCommandSpec().qualifiedName();
              if (exception instanceof ClientException client) {
                console.err().println(name + ": " + client.getMessage());
                return client.exitStatus().code();
              }
              console
                  .err()
                  .println(
                      name
                          + ": "
                          + exception.getClass().getSimpleName()
                          + (exception.getMessage() == null ? "" : ": " + exception.getMessage()));
              return ExitStatus.FAILURE.code();
            });
    addExitStatuses(commandLine);
    return commandLine;
  }

  private static void addExitStatuses(CommandLine commandLine) {
    commandLine.getCommandSpec().exitCodeOnInvalidInput(ExitStatus.USAGE.code());
    commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit status:%n");
    commandLine.getCommandSpec().usageMessage().exitCodeList(ExitStatus.descriptions());
    commandLine.getSubcommands().values().forEach(CleanroomClient::addExitStatuses);
  }

  /** Builds each command with the console, so that tests can hand in their own streams. */
  private static final class Factory implements CommandLine.IFactory {
    private final Console console;

    Factory(Console console) {
      this.console = console;
    }

    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        Constructor<K> withConsole = type.getDeclaredConstructor(Console.class);
        return withConsole.newInstance(console);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
