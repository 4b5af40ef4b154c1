package dev.cleanroom.client.session;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit statuses a script can rely on; every command lists them in its help. */
public enum ExitStatus {
  OK(0, "done"),
  FAILURE(1, "anything else failed (bad input file, local I/O)"),
  USAGE(2, "usage error: wrong or missing options"),
  REFUSED(3, "the server refused the request (4xx; its problem is printed on stderr)"),
  UNAVAILABLE(4, "server or network error (5xx, connection refused, timeout)"),
  CHAIN_BROKEN(5, "the audit chain does not verify");

  private final int code;
  private final String meaning;

  ExitStatus(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** The help's list, status to meaning. */
  public static Map<String, String> descriptions() {
    Map<String, String> list = new LinkedHashMap<>();
    for (ExitStatus status : values()) {
      list.put(Integer.toString(status.code), status.meaning);
    }
    return list;
  }
}
