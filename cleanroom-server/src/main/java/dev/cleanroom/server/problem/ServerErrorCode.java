package dev.cleanroom.server.problem;

/** Why the server refused a request; each code has one HTTP status and one problem type. */
public enum ServerErrorCode {
  MALFORMED_REQUEST(400, "malformed-request", "The request is malformed"),
  UNAUTHENTICATED(401, "unauthenticated", "Missing or invalid credentials"),
  FORBIDDEN(403, "forbidden", "Not allowed"),
  /** A state-changing request authenticated by the console's session cookie without its token. */
  CSRF_TOKEN_MISSING(403, "csrf-token-missing", "The request has no CSRF token"),
  /** A state-changing request authenticated by the console's session cookie, with a wrong token. */
  CSRF_TOKEN_MISMATCH(403, "csrf-token-mismatch", "The request's CSRF token does not match"),
  NOT_FOUND(404, "not-found", "Not found"),
  METHOD_NOT_ALLOWED(405, "method-not-allowed", "Method not allowed"),
  NOT_ACCEPTABLE(406, "not-acceptable", "No acceptable representation"),
  CONFLICT(409, "conflict", "Conflict"),
  PAYLOAD_TOO_LARGE(413, "payload-too-large", "The request body is too large"),
  UNSUPPORTED_MEDIA_TYPE(415, "unsupported-media-type", "Unsupported content type"),
  INVALID_INPUT(422, "invalid-input", "The input is not acceptable"),
  POLICY_VIOLATION(422, "policy-violation", "Query violates the policy"),
  TOO_MANY_QUERIES(429, "too-many-queries", "Too many concurrent queries"),
  QUERY_FAILED(500, "execution-failed", "Query execution failed"),
  INTERNAL(500, "internal-error", "Internal server error"),
  UNAVAILABLE(503, "unavailable", "Service unavailable"),
  /** The engine a query would run on (Spark) cannot be reached now; nothing was charged. */
  ENGINE_UNAVAILABLE(503, "engine-unavailable", "The query engine is unavailable"),
  // Governance (#18): the collaboration's term.
  /** A query before the collaboration's start; nothing was charged. */
  COLLABORATION_NOT_STARTED(403, "collaboration-not-started", "The collaboration has not started"),
  /** A query at or after the collaboration's end; nothing was charged. */
  COLLABORATION_ENDED(403, "collaboration-ended", "The collaboration has ended"),
  // Governance (#18): query templates.
  /** Free SQL over a dataset whose policy allows only approved templates. */
  TEMPLATES_ONLY(403, "templates-only", "The dataset is read through approved templates only"),
  /** A run of a template that has no approved version. */
  TEMPLATE_NOT_APPROVED(409, "template-not-approved", "The template is not approved"),
  /** A parameter value of the wrong type (or a list where one value is expected). */
  TEMPLATE_PARAMETER_TYPE(
      422, "template-parameter-type", "A template parameter has the wrong type"),
  /** A declared parameter without a value, or a value for no declared parameter. */
  TEMPLATE_PARAMETER_MISSING(
      422, "template-parameter-missing", "A template parameter is missing or unknown"),
  /** A placeholder where the SQL needs a name (a table, a column): parameters are values only. */
  TEMPLATE_PARAMETER_POSITION(
      422, "template-parameter-position", "A template parameter stands where a value cannot"),
  // Governance (#18): fairness reports.
  /** The reach question of a fairness report is not one COUNT(DISTINCT ...) without grouping. */
  FAIRNESS_NOT_A_REACH_QUESTION(
      422, "fairness-not-a-reach-question", "Not a reach question a fairness report can split"),
  /** The segment is not declared sensitive by the policy of a table the question reads. */
  FAIRNESS_SEGMENT_NOT_SENSITIVE(
      422, "fairness-segment-not-sensitive", "The segment is not a declared sensitive segment"),
  // Governance (#18): change requests.
  /**
   * A provider's approval or refusal of a policy version that does not await it: the version is not
   * awaiting providers, or the caller is not one of them, or has decided already.
   */
  PROVIDER_APPROVAL_NOT_AWAITED(
      409, "provider-approval-not-awaited", "No approval of this provider is awaited"),
  /**
   * An approval or rejection of a change request that does not await the caller: the request is
   * applied or rejected, or the caller is not one of its providers, or has decided already.
   */
  CHANGE_APPROVAL_NOT_AWAITED(
      409, "change-approval-not-awaited", "No approval of this provider is awaited"),
  /** A change request adding a member whose name a member or a pending request has already. */
  MEMBER_EXISTS(409, "member-exists", "The collaboration has a member of that name"),
  // Performance (#19): one row per privacy unit.
  /**
   * A policy declaring one row per privacy unit, approved while a readable data version has more
   * than one row for some unit: it does not take effect.
   */
  POLICY_CONTRADICTS_DATA(409, "policy-contradicts-data", "The policy contradicts the stored data");

  private final int status;
  private final String slug;
  private final String title;

  ServerErrorCode(int status, String slug, String title) {
    this.status = status;
    this.slug = slug;
    this.title = title;
  }

  public int status() {
    return status;
  }

  public String type() {
    return Problem.TYPE_BASE + slug;
  }

  public String title() {
    return title;
  }
}
