package dev.cleanroom.boundaries;

import static dev.cleanroom.boundaries.ModuleRules.hasNoPackageCycles;
import static dev.cleanroom.boundaries.ModuleRules.importsBouncyCastleOnlyInTheCryptoPackage;
import static dev.cleanroom.boundaries.ModuleRules.importsNoForbiddenLibrary;
import static dev.cleanroom.boundaries.ModuleRules.importsOnlyTheModulesItMayUse;
import static dev.cleanroom.boundaries.ModuleRules.mainClassesOf;

import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * A module's import rules (DESIGN.md, "Layout"), checked on its compiled main classes: every
 * module's {@code ArchitectureTest} extends this with its {@link ProjectModule}, so the rules and
 * their list exist once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ModuleArchitectureTest {
  private final ProjectModule module;
  private final com.tngtech.archunit.core.domain.JavaClasses mainClasses;

  protected ModuleArchitectureTest(ProjectModule module) {
    this.module = module;
    this.mainClasses = mainClassesOf(module);
  }

  /** The cycle rule; a module with a known, documented cycle narrows it here. */
  protected ArchRule packageCycleRule(ProjectModule module) {
    return hasNoPackageCycles(module);
  }

  @Test
  void mainClasses_importNoForbiddenLibrary() {
    importsNoForbiddenLibrary(module).check(mainClasses);
  }

  @Test
  void mainClasses_importBouncyCastleOnlyInTheCryptoPackage() {
    importsBouncyCastleOnlyInTheCryptoPackage().check(mainClasses);
  }

  @Test
  void mainClasses_importOnlyTheModulesTheyMayUse() {
    importsOnlyTheModulesItMayUse(module).check(mainClasses);
  }

  @Test
  void packages_haveNoCycle() {
    packageCycleRule(module).check(mainClasses);
  }
}
