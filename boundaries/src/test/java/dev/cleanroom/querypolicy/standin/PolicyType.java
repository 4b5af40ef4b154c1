package dev.cleanroom.querypolicy.standin;

import dev.cleanroom.connectors.standin.ConnectorsType;
import dev.cleanroom.spi.standin.SpiType;

/** A policy class that imports the SPI, as it may, and connectors, which it must not. */
public class PolicyType {
  public SpiType allowed;
  public ConnectorsType forbidden;
}
