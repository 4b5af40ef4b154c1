package dev.cleanroom.server.scaleout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.cleanroom.connectors.crypto.SealedSecret;
import dev.cleanroom.connectors.storage.DatasetStore;
import dev.cleanroom.engine.spark.SecretSealer;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The server's sealer: what it seals, Spark's side unseals with the store's master key only. */
@QuarkusTest
class SecretSealerTest {
  @Inject SecretSealer sealer;
  @Inject DatasetStore store;

  @Test
  void sealedUnderTheCurrentMasterKey_unsealsWithIt_andHidesTheSecret() {
    byte[] secret = "sixteen byte key".getBytes(StandardCharsets.US_ASCII);

    byte[] sealed = sealer.seal(secret);
    byte[] again = sealer.seal(secret);

    assertArrayEquals(secret, SealedSecret.unseal(sealed, List.of(store.keys().current())));
    assertFalse(Arrays.equals(sealed, again), "a fresh nonce every time");
    for (int i = 0; i + secret.length <= sealed.length; i++) {
      assertFalse(
          Arrays.equals(Arrays.copyOfRange(sealed, i, i + secret.length), secret),
          "the secret appears in the sealed form");
    }
  }
}
