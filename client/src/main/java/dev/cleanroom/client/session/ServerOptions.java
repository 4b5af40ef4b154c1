package dev.cleanroom.client.session;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Where the server is, who the caller is and which collaboration: the options every command that
 * talks to the server mixes in. The API key is read from a file or the environment, never from an
 * argument, since a command line shows in process lists and shell history.
 */
public final class ServerOptions {
  public static final String SERVER_VARIABLE = "CLEANROOM_SERVER";
  public static final String API_KEY_VARIABLE = "CLEANROOM_API_KEY";

  @Option(
      names = "--server",
      paramLabel = "URL",
      description =
          "the server's base URL, e.g. http://localhost:8080 (default: $CLEANROOM_SERVER)")
  private String server;

  @Option(
      names = "--api-key-file",
      paramLabel = "FILE",
      description = "a file holding your API key (default: the key in $CLEANROOM_API_KEY)")
  private Path apiKeyFile;

  @Option(
      names = {"-c", "--collaboration"},
      required = true,
      paramLabel = "NAME",
      description = "the collaboration, e.g. demo")
  private String collaboration;

  @Option(
      names = "--allow-plain-http",
      description =
          "allow a plain http:// URL to another machine (refused by default: the API key would"
              + " travel unencrypted)")
  private boolean allowPlainHttp;

  @Spec(Spec.Target.MIXEE)
  private CommandSpec mixee;

  /** Refused while parsing, so the reason is the one shown. */
  @Option(names = "--api-key", hidden = true, paramLabel = "KEY")
  void refuseApiKeyArgument(String ignored) {
    throw new ParameterException(
        mixee.commandLine(),
        "the API key is never given on the command line; use --api-key-file or "
            + API_KEY_VARIABLE);
  }

  public String collaboration() {
    return collaboration;
  }

  /** The connection these options describe; usage errors when something is missing. */
  public ServerApi connect(Console console) {
    return new ServerApi(baseUri(console), apiKey(console), collaboration, allowPlainHttp, console);
  }

  private URI baseUri(Console console) {
    String text = server != null ? server : console.environment().get(SERVER_VARIABLE);
    if (text == null || text.isBlank()) {
      throw ClientException.usage("give the server's URL with --server or " + SERVER_VARIABLE);
    }
    try {
      URI uri = new URI(text.strip());
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())
          || uri.getHost() == null) {
        throw ClientException.usage("the server URL must be http:// or https:// with a host");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw ClientException.usage("the server URL is not a valid URI");
    }
  }

  private String apiKey(Console console) {
    String key;
    if (apiKeyFile != null) {
      try {
        key = Files.readString(apiKeyFile, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw ClientException.usage("cannot read the API key file '" + apiKeyFile + "'");
      }
    } else {
      key = console.environment().get(API_KEY_VARIABLE);
      if (key == null) {
        throw ClientException.usage(
            "give your API key with --api-key-file or in " + API_KEY_VARIABLE);
      }
    }
    key = key.strip();
    if (key.isEmpty() || key.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
      throw ClientException.usage("the API key is empty or holds characters a key never has");
    }
    return key;
  }
}
