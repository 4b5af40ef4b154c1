package dev.cleanroom.connectors.standin;

import org.bouncycastle.standin.BouncyCastleType;

/** A connectors class outside the crypto package that imports Bouncy Castle: a violation. */
public class ConnectorsType {
  public BouncyCastleType cipher;
}
