package dev.cleanroom.examples;

import static dev.cleanroom.boundaries.ModuleRules.hasNoPackageCycles;
import static dev.cleanroom.boundaries.ModuleRules.importsBouncyCastleOnlyInTheCryptoPackage;
import static dev.cleanroom.boundaries.ModuleRules.importsNoForbiddenLibrary;
import static dev.cleanroom.boundaries.ModuleRules.importsOnlyTheModulesItMayUse;
import static dev.cleanroom.boundaries.ModuleRules.mainClassesOf;

import com.tngtech.archunit.core.domain.JavaClasses;
import dev.cleanroom.boundaries.ProjectModule;
import org.junit.jupiter.api.Test;

/** This module's import rules (DESIGN.md, "Layout"), checked on its compiled main classes. */
class ArchitectureTest {
  private static final ProjectModule MODULE = ProjectModule.SQL_EXAMPLES;
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

  @Test
  void packages_haveNoCycle() {
    hasNoPackageCycles(MODULE).check(MAIN_CLASSES);
  }
}
