package dev.cleanroom.connectors.crypto.standin;

import org.bouncycastle.standin.BouncyCastleType;

/** A crypto package class that imports Bouncy Castle, as it may. */
public class CryptoType {
  public BouncyCastleType cipher;
}
