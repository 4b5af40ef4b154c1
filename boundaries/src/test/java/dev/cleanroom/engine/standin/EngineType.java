package dev.cleanroom.engine.standin;

import io.quarkus.standin.QuarkusType;

/** An engine class that imports Quarkus: a violation. */
public class EngineType {
  public QuarkusType framework;
}
