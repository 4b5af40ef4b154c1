package dev.cleanroom.boundaries;

import java.util.List;

/** Third-party packages that some modules must not import, grouped by the reason. */
public enum ForbiddenLibrary {
  /**
   * Quarkus, what it is built on, and the REST, CDI and configuration APIs it implements (with
   * their older {@code javax} names): only the server is a framework application.
   */
  FRAMEWORK(
      "io.quarkus..",
      "io.smallrye..",
      "io.vertx..",
      "org.jboss.resteasy..",
      "jakarta.ws.rs..",
      "jakarta.inject..",
      "jakarta.enterprise..",
      "org.eclipse.microprofile..",
      "javax.ws.rs..",
      "javax.inject..",
      "javax.enterprise.."),
  /**
   * Apache Spark (through Spark Connect) is one of the engines: only the Spark engine and what runs
   * inside Spark use it.
   */
  SPARK("org.apache.spark.."),
  /**
   * Arrow is how data is stored and executed; the SPI and the policy layer reason on plans only.
   */
  ARROW("org.apache.arrow.."),
  /** Parquet and the Hadoop classes its reader loads: reading files is the connectors' job. */
  PARQUET("org.apache.parquet..", "org.apache.hadoop..");

  private final List<String> packages;

  ForbiddenLibrary(String... packages) {
    this.packages = List.of(packages);
  }

  /** ArchUnit package patterns of this library. */
  public List<String> packages() {
    return packages;
  }
}
