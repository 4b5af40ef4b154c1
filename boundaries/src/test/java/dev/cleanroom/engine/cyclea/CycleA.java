package dev.cleanroom.engine.cyclea;

import dev.cleanroom.engine.cycleb.CycleB;

/** One half of a package cycle. */
public class CycleA {
  public CycleB other;
}
