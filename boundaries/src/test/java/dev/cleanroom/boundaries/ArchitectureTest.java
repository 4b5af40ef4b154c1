package dev.cleanroom.boundaries;

/** This module's import rules (DESIGN.md, "Layout"), checked on its compiled main classes. */
class ArchitectureTest extends ModuleArchitectureTest {
  ArchitectureTest() {
    super(ProjectModule.BOUNDARIES);
  }
}
