package dev.cleanroom.boundaries;

import static dev.cleanroom.boundaries.ForbiddenLibrary.ARROW;
import static dev.cleanroom.boundaries.ForbiddenLibrary.FRAMEWORK;
import static dev.cleanroom.boundaries.ForbiddenLibrary.PARQUET;
import static dev.cleanroom.boundaries.ForbiddenLibrary.SPARK;
import static java.util.Objects.requireNonNull;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The project's modules, each with its root package, the modules it may import and the libraries it
 * must not (docs: DESIGN.md, "Layout"). The libraries meet only through the SPI and in the server,
 * and nothing imports the server. A module missing here may be imported by none of these.
 */
public enum ProjectModule {
  SPI("dev.cleanroom.spi", EnumSet.of(FRAMEWORK, SPARK, ARROW, PARQUET)),
  QUERY_POLICY("dev.cleanroom.querypolicy", EnumSet.of(FRAMEWORK, SPARK, ARROW, PARQUET), SPI),
  CONNECTORS("dev.cleanroom.connectors", EnumSet.of(FRAMEWORK, SPARK), SPI),
  ENGINE("dev.cleanroom.engine", EnumSet.of(FRAMEWORK, SPARK, PARQUET), SPI),
  /**
   * The Spark engine, a Spark Connect client: it translates the private plan to DataFrame
   * operations; Spark runs outside the server.
   */
  ENGINE_SPARK("dev.cleanroom.engine.spark", EnumSet.of(FRAMEWORK, ARROW, PARQUET), SPI, ENGINE),
  /**
   * What runs inside Spark: the keyed hash as a Spark function, unsealing its key with the
   * connectors' crypto.
   */
  SPARK_RUNTIME(
      "dev.cleanroom.sparkruntime", EnumSet.of(FRAMEWORK, ARROW, PARQUET), SPI, CONNECTORS),
  /**
   * The standalone command-line client: the connectors' fingerprints and CSV for {@code encrypt},
   * Parquet for answers written as files; it talks to the server over HTTP only.
   */
  CLIENT("dev.cleanroom.client", EnumSet.of(FRAMEWORK, SPARK, ARROW), CONNECTORS),
  /** Its main code is the seeded demo data generator; the examples themselves are tests. */
  SQL_EXAMPLES("dev.cleanroom.examples", EnumSet.of(FRAMEWORK, SPARK)),
  SERVER(
      "dev.cleanroom.server",
      EnumSet.of(SPARK, PARQUET),
      SPI,
      QUERY_POLICY,
      CONNECTORS,
      ENGINE,
      ENGINE_SPARK,
      SQL_EXAMPLES),
  /** The allocator extension every module's tests share; below the engine and connectors. */
  TESTKIT_ARROW("dev.cleanroom.testkit.arrow", EnumSet.of(FRAMEWORK, SPARK, PARQUET)),
  /** Test helpers that production never runs: only tests (and the benchmarks) use it. */
  TESTKIT(
      "dev.cleanroom.testkit",
      EnumSet.of(FRAMEWORK, SPARK, PARQUET),
      SPI,
      QUERY_POLICY,
      CONNECTORS,
      ENGINE,
      TESTKIT_ARROW),
  BOUNDARIES("dev.cleanroom.boundaries", EnumSet.of(FRAMEWORK, SPARK, ARROW, PARQUET));

  private final String rootPackage;
  private final Set<ForbiddenLibrary> forbiddenLibraries;
  private final List<ProjectModule> mayImport;

  ProjectModule(
      String rootPackage, Set<ForbiddenLibrary> forbiddenLibraries, ProjectModule... mayImport) {
    this.rootPackage = requireNonNull(rootPackage, "rootPackage is null");
    this.forbiddenLibraries = Set.copyOf(forbiddenLibraries);
    this.mayImport = List.of(mayImport);
  }

  /**
   * The package all of this module's classes live in or below, except those of a module whose root
   * package lies below it (the test kit's Arrow part below the test kit's).
   */
  public String rootPackage() {
    return rootPackage;
  }

  public Set<ForbiddenLibrary> forbiddenLibraries() {
    return forbiddenLibraries;
  }

  /** The other modules of the project whose classes this module's main code may use. */
  public List<ProjectModule> mayImport() {
    return mayImport;
  }
}
