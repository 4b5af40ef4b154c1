package dev.cleanroom.boundaries;

import static dev.cleanroom.boundaries.ModuleRules.hasNoPackageCycles;
import static dev.cleanroom.boundaries.ModuleRules.importsBouncyCastleOnlyInTheCryptoPackage;
import static dev.cleanroom.boundaries.ModuleRules.importsNoForbiddenLibrary;
import static dev.cleanroom.boundaries.ModuleRules.importsOnlyTheModulesItMayUse;
import static dev.cleanroom.boundaries.ModuleRules.mainClassesOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.EvaluationResult;
import dev.cleanroom.connectors.crypto.standin.CryptoType;
import dev.cleanroom.connectors.standin.ConnectorsType;
import dev.cleanroom.engine.cyclea.CycleA;
import dev.cleanroom.engine.cycleb.CycleB;
import dev.cleanroom.engine.standin.EngineType;
import dev.cleanroom.querypolicy.standin.PolicyType;
import dev.cleanroom.spi.standin.SpiType;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Each rule finds a planted violation and passes the same kind of class without one. */
class ModuleRulesTest {
  @Test
  void frameworkImport_isReported() {
    assertViolations(
        importsNoForbiddenLibrary(ProjectModule.ENGINE), classes(EngineType.class), "EngineType");
    assertViolations(importsNoForbiddenLibrary(ProjectModule.ENGINE), classes(CycleA.class));
  }

  @Test
  void bouncyCastleOutsideTheCryptoPackage_isReported() {
    assertViolations(
        importsBouncyCastleOnlyInTheCryptoPackage(),
        classes(ConnectorsType.class),
        "ConnectorsType");
    assertViolations(
        importsBouncyCastleOnlyInTheCryptoPackage(), classes(CryptoType.class, SpiType.class));
  }

  @Test
  void importOfAModuleNotAllowed_isReportedAndTheSpiIsNot() {
    EvaluationResult result =
        importsOnlyTheModulesItMayUse(ProjectModule.QUERY_POLICY)
            .evaluate(classes(PolicyType.class));

    List<String> details = result.getFailureReport().getDetails();
    assertEquals(1, details.size(), details::toString);
    assertTrue(details.get(0).contains("ConnectorsType"), details::toString);
  }

  @Test
  void packageCycle_isReported() {
    assertViolations(
        hasNoPackageCycles(ProjectModule.ENGINE),
        classes(CycleA.class, CycleB.class),
        "cyclea",
        "cycleb");
    assertViolations(hasNoPackageCycles(ProjectModule.ENGINE), classes(CycleA.class));
  }

  @Test
  void mainClassesOf_importsMainClassesOnly() {
    JavaClasses main = mainClassesOf(ProjectModule.BOUNDARIES);

    assertTrue(main.contain(ModuleRules.class));
    assertFalse(main.contain(ModuleRulesTest.class));
  }

  private static JavaClasses classes(Class<?>... classes) {
    return new ClassFileImporter().importClasses(classes);
  }

  /** Without expected names the rule must pass; with them, its report must name each. */
  private static void assertViolations(ArchRule rule, JavaClasses classes, String... expected) {
    EvaluationResult result = rule.evaluate(classes);
    String report = result.getFailureReport().toString();
    assertEquals(expected.length > 0, result.hasViolation(), report);
    for (String name : expected) {
      assertTrue(report.contains(name), () -> name + " missing from " + report);
    }
  }
}
