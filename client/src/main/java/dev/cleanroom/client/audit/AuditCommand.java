package dev.cleanroom.client.audit;

import dev.cleanroom.client.session.ClientVersion;
import picocli.CommandLine.Command;

/** {@code audit}: the collaboration's audit log, listed or verified on the member's machine. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    versionProvider = ClientVersion.class,
    header = "List the audit log, or verify its hash chain on this machine.",
    subcommands = {AuditListCommand.class, AuditVerifyCommand.class},
    description = {
      "The collaboration's hash-chained audit log (GET /api/v1/collaborations/{c}/audit):"
          + " 'audit list' prints events, 'audit verify' recomputes the chain here."
    })
public final class AuditCommand {}
