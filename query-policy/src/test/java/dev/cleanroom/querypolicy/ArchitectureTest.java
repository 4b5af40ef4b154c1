package dev.cleanroom.querypolicy;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static dev.cleanroom.boundaries.ModuleRules.hasNoPackageCycles;
import static dev.cleanroom.boundaries.ModuleRules.importsBouncyCastleOnlyInTheCryptoPackage;
import static dev.cleanroom.boundaries.ModuleRules.importsNoForbiddenLibrary;
import static dev.cleanroom.boundaries.ModuleRules.importsOnlyTheModulesItMayUse;
import static dev.cleanroom.boundaries.ModuleRules.mainClassesOf;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.cleanroom.boundaries.ProjectModule;
import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.querypolicy.analysis.ViolationCode;
import org.junit.jupiter.api.Test;

/** This module's import rules (DESIGN.md, "Layout"), checked on its compiled main classes. */
class ArchitectureTest {
  private static final ProjectModule MODULE = ProjectModule.QUERY_POLICY;
  private static final JavaClasses MAIN_CLASSES = mainClassesOf(MODULE);

  @Test
  void mainClasses_importNoForbiddenLibrary() {
    importsNoForbiddenLibrary(MODULE).check(MAIN_CLASSES);
  }

  @Test
  void mainClasses_importBouncyCastleOnlyInTheCryptoPackage() {
    importsBouncyCastleOnlyInTheCryptoPackage().check(MAIN_CLASSES);
  }

  @Test
  void mainClasses_importOnlyTheModulesTheyMayUse() {
    importsOnlyTheModulesItMayUse(MODULE).check(MAIN_CLASSES);
  }

  /**
   * Lineage reports its findings as the analysis package's {@link Violation}, while analysis calls
   * lineage: the one known cycle (analysis, lineage; analysis, rewrite, lineage). Only that
   * dependency is ignored, so any other cycle fails.
   */
  @Test
  void packages_haveNoCycleButTheKnownOne() {
    hasNoPackageCycles(MODULE)
        .ignoreDependency(
            resideInAPackage("dev.cleanroom.querypolicy.lineage.."),
            belongToAnyOf(Violation.class, ViolationCode.class))
        .check(MAIN_CLASSES);
  }
}
