package dev.cleanroom.engine.spark;

/**
 * Seals a secret for Spark: the sealed bytes travel in the plan, and only the Spark side, holding
 * the master keys, unseals them. The Spark engine's creator provides it (the server, with the
 * connectors' {@code SealedSecret}), so this module stays free of the crypto.
 */
@FunctionalInterface
public interface SecretSealer {
  byte[] seal(byte[] secret);
}
