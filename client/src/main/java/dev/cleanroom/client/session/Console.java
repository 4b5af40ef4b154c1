package dev.cleanroom.client.session;

import static java.util.Objects.requireNonNull;

import java.io.InputStream;
import java.io.PrintStream;
import java.util.Map;

/**
 * What a command reads and writes besides files: data goes to {@code out}, messages and progress to
 * {@code err}; {@code environment} holds the variables (a parameter so that tests pass their own).
 *
 * @param interactive whether a person watches {@code err}, so that a progress bar may redraw
 */
public record Console(
    Map<String, String> environment,
    InputStream in,
    PrintStream out,
    PrintStream err,
    boolean interactive) {

  public Console {
    environment = Map.copyOf(environment);
    requireNonNull(in, "in is null");
    requireNonNull(out, "out is null");
    requireNonNull(err, "err is null");
  }

  /** The process's own streams; interactive when the JVM has a console (a terminal). */
  public static Console system() {
    return new Console(
        System.getenv(), System.in, System.out, System.err, System.console() != null);
  }
}
