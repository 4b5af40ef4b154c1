package dev.cleanroom.server.auth;

import static java.util.Objects.requireNonNull;

import dev.cleanroom.server.problem.ServerException;
import java.util.Set;

/**
 * Who sent the request: the operator (may create collaborations and nothing else) or one member of
 * one collaboration with that member's roles.
 */
public record Caller(
    boolean operator,
    long memberId,
    String member,
    long collaborationId,
    String collaboration,
    Set<Role> roles) {

  public Caller {
    requireNonNull(member, "member is null");
    requireNonNull(collaboration, "collaboration is null");
    roles = Set.copyOf(roles);
  }

  public static Caller operatorCaller() {
    return new Caller(true, -1, "operator", -1, "", Set.of());
  }

  public static Caller member(
      long memberId, String member, long collaborationId, String collaboration, Set<Role> roles) {
    return new Caller(false, memberId, member, collaborationId, collaboration, roles);
  }

  /** Refuses anyone who is not a member of {@code collaborationName}. */
  public Caller requireMemberOf(String collaborationName) {
    if (operator || !collaboration.equals(collaborationName)) {
      throw ServerException.forbidden("not a member of collaboration '" + collaborationName + "'");
    }
    return this;
  }

  /** Refuses a member of {@code collaborationName} without {@code role}. */
  public Caller require(String collaborationName, Role role) {
    requireMemberOf(collaborationName);
    if (!roles.contains(role)) {
      throw ServerException.forbidden("member '" + member + "' does not have the role " + role);
    }
    return this;
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }
}
