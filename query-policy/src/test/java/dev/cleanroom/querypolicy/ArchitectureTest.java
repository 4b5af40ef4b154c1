package dev.cleanroom.querypolicy;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static dev.cleanroom.boundaries.ModuleRules.hasNoPackageCycles;

import com.tngtech.archunit.lang.ArchRule;
import dev.cleanroom.boundaries.ModuleArchitectureTest;
import dev.cleanroom.boundaries.ProjectModule;
import dev.cleanroom.querypolicy.analysis.Violation;
import dev.cleanroom.querypolicy.analysis.ViolationCode;

/** This module's import rules (DESIGN.md, "Layout"), checked on its compiled main classes. */
class ArchitectureTest extends ModuleArchitectureTest {
  ArchitectureTest() {
    super(ProjectModule.QUERY_POLICY);
  }

  /**
   * Lineage reports its findings as the analysis package's {@link Violation}, while analysis calls
   * lineage: the one known cycle (analysis, lineage; analysis, rewrite, lineage). Only that
   * dependency is ignored, so any other cycle fails.
   */
  @Override
  protected ArchRule packageCycleRule(ProjectModule module) {
    return hasNoPackageCycles(module)
        .ignoreDependency(
            resideInAPackage("dev.cleanroom.querypolicy.lineage.."),
            belongToAnyOf(Violation.class, ViolationCode.class));
  }
}
