package dev.cleanroom.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module directions of docs/ARCHITECTURE.md, checked on the compiled classes. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.cleanroom");
  }

  @Test
  void queryPolicy_importsNeitherConnectorsNorFrameworks() {
    noClasses()
        .that()
        .resideInAPackage("dev.cleanroom.querypolicy..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.cleanroom.connectors..",
            "dev.cleanroom.server..",
            "io.quarkus..",
            "jakarta.ws.rs..",
            "jakarta.enterprise..",
            "org.bouncycastle..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void connectors_importNeitherQueryPolicyNorFrameworks() {
    noClasses()
        .that()
        .resideInAPackage("dev.cleanroom.connectors..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.cleanroom.querypolicy..",
            "dev.cleanroom.server..",
            "io.quarkus..",
            "jakarta.ws.rs..",
            "jakarta.enterprise..")
        .allowEmptyShould(true)
        .check(classes);
  }

  @Test
  void onlyTheCryptoPackage_importsBouncyCastle() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.cleanroom.connectors.crypto..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("org.bouncycastle..")
        .check(classes);
  }

  @Test
  void examplesMainCode_importsNothingOfOurs() {
    noClasses()
        .that()
        .resideInAPackage("dev.cleanroom.examples..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.cleanroom.querypolicy..", "dev.cleanroom.connectors..", "dev.cleanroom.server..")
        .check(classes);
  }

  @Test
  void nothingOutsideTheServer_importsTheServer() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.cleanroom.server..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.cleanroom.server..")
        .check(classes);
  }

  @Test
  void serverPackages_dependOnEachOtherWithoutCycles() {
    slices().matching("dev.cleanroom.server.(*)..").should().beFreeOfCycles().check(classes);
  }
}
