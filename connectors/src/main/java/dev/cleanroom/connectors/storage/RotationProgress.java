package dev.cleanroom.connectors.storage;

/** Told after each key file a master key rotation has durably re-wrapped. */
@FunctionalInterface
public interface RotationProgress {
  RotationProgress NONE = (datasetId, version) -> {};

  void onRewrapped(String datasetId, long version);
}
