package dev.cleanroom.connectors.crypto;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.connectors.ConnectorErrorCode;
import dev.cleanroom.connectors.ConnectorException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.macs.HMac;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * HMAC-SHA256 fingerprints of one join key in one collaboration. The key is HKDF-SHA256 of the
 * shared secret with salt = collaboration id and info = {@code cleanroom/v1/join-key/<name>}, so
 * each join key and each collaboration has its own key. Not thread-safe.
 */
public final class Fingerprinter {
  private static final String INFO_PREFIX = "cleanroom/v1/join-key/";
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

  private final HMac mac = new HMac(new SHA256Digest());
  private final IdentifierKind kind;

  private Fingerprinter(byte[] key, IdentifierKind kind) {
    this.kind = kind;
    mac.init(new KeyParameter(key));
  }

  /**
   * A fingerprinter for the join key named {@code joinKeyName} (lower-case identifier agreed by the
   * collaboration, e.g. {@code email}), normalising as {@link IdentifierKind#forJoinKeyName}.
   */
  public static Fingerprinter create(
      SharedSecret secret, String collaborationId, String joinKeyName) {
    requireNonNull(joinKeyName, "joinKeyName is null");
    return create(secret, collaborationId, joinKeyName, IdentifierKind.forJoinKeyName(joinKeyName));
  }

  public static Fingerprinter create(
      SharedSecret secret, String collaborationId, String joinKeyName, IdentifierKind kind) {
    requireNonNull(secret, "secret is null");
    requireNonNull(collaborationId, "collaborationId is null");
    requireNonNull(joinKeyName, "joinKeyName is null");
    requireNonNull(kind, "kind is null");
    if (collaborationId.isBlank()) {
      throw new ConnectorException(
          ConnectorErrorCode.INVALID_ARGUMENT, "collaboration id must not be blank");
    }
    if (!NAME.matcher(joinKeyName).matches()) {
      throw new ConnectorException(
          ConnectorErrorCode.INVALID_ARGUMENT,
          "join-key name '" + joinKeyName + "' must be a lower-case identifier");
    }
    byte[] key = Hkdf.derive(secret, collaborationId, INFO_PREFIX + joinKeyName, 32);
    try {
      return new Fingerprinter(key, kind);
    } finally {
      Arrays.fill(key, (byte) 0);
    }
  }

  /**
   * The fingerprint of an identifier, or empty for NULL or blank input, so NULL keys stay NULL and
   * never equi-join.
   *
   * @throws IllegalArgumentException if the identifier is not of the expected kind (no value in the
   *     message)
   */
  public Optional<String> fingerprint(String identifier) {
    if (identifier == null) {
      return Optional.empty();
    }
    return kind.normalize(identifier).map(this::mac);
  }

  private String mac(String normalized) {
    byte[] input = normalized.getBytes(StandardCharsets.UTF_8);
    mac.update(input, 0, input.length);
    byte[] output = new byte[mac.getMacSize()];
    mac.doFinal(output, 0);
    return Fingerprints.PREFIX + HexFormat.of().formatHex(output);
  }
}
