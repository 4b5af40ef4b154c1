package dev.cleanroom.client.session;

import picocli.CommandLine.IVersionProvider;

/** {@code --version}: the version in the jar's manifest, or "development" outside the jar. */
public final class ClientVersion implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = ClientVersion.class.getPackage().getImplementationVersion();
    return new String[] {
      "cleanroom-client " + (version == null ? "development" : version),
      "Java " + System.getProperty("java.version")
    };
  }
}
