package dev.cleanroom.client.session;

import java.util.LinkedHashMap;
import java.util.Map;

/** The exit statuses a script can rely on; every command documents them in its help. */
public final class ExitStatus {
  public static final int OK = 0;
  public static final int FAILURE = 1;
  public static final int USAGE = 2;
  public static final int REFUSED = 3;
  public static final int UNAVAILABLE = 4;
  public static final int CHAIN_BROKEN = 5;

  private ExitStatus() {}

  /** The help's list, status to meaning. */
  public static Map<String, String> descriptions() {
    Map<String, String> list = new LinkedHashMap<>();
    list.put(Integer.toString(OK), "done");
    list.put(Integer.toString(FAILURE), "anything else failed (bad input file, local I/O)");
    list.put(Integer.toString(USAGE), "usage error: wrong or missing options");
    list.put(
        Integer.toString(REFUSED),
        "the server refused the request (4xx; its problem is printed on stderr)");
    list.put(
        Integer.toString(UNAVAILABLE),
        "server or network error (5xx, connection refused, timeout)");
    list.put(Integer.toString(CHAIN_BROKEN), "the audit chain does not verify");
    return list;
  }
}
