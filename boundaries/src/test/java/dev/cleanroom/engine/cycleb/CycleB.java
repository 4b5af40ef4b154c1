package dev.cleanroom.engine.cycleb;

import dev.cleanroom.engine.cyclea.CycleA;

/** The other half of a package cycle. */
public class CycleB {
  public CycleA other;
}
