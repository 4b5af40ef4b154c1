package dev.cleanroom.engine.spark;

import dev.cleanroom.boundaries.ModuleArchitectureTest;
import dev.cleanroom.boundaries.ProjectModule;

/** This module's import rules (DESIGN.md, "Layout"), checked on its compiled main classes. */
class ArchitectureTest extends ModuleArchitectureTest {
  ArchitectureTest() {
    super(ProjectModule.ENGINE_SPARK);
  }
}
