package dev.cleanroom.server.audit;

import java.util.List;

/**
 * The tables a member owns, so that a provider reads the events of its own datasets. The dataset
 * catalog implements it; the audit log only asks, so it depends on no dataset code.
 */
public interface OwnedTables {
  /** The tables (as named in SQL, {@code member.dataset}) that {@code ownerId} owns. */
  List<String> tablesOwnedBy(long collaborationId, long ownerId);
}
