package dev.cleanroom.server.auth;

/** What a member of a collaboration may do. */
public enum Role {
  /** Uploads and erases its own datasets; reads the audit events of its datasets. */
  PROVIDER,
  /** Asks queries and reads its budget. */
  ANALYST,
  /** Writes, tries and approves policies; reads the whole audit log. */
  PRIVACY_OFFICER
}
