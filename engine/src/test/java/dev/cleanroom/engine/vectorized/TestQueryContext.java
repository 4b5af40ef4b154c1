package dev.cleanroom.engine.vectorized;

import dev.cleanroom.engine.QueryMemory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A query's context for each test, as the executor makes one: a memory account, two threads (the
 * caller and one worker) and fresh encodings; all closed after the test, so that a test that leaves
 * Arrow memory allocated fails. Register it on an instance field:
 *
 * <pre>{@code
 * @RegisterExtension final TestQueryContext query = new TestQueryContext(64L << 20);
 * ... query.context() ...
 * }</pre>
 */
final class TestQueryContext implements BeforeEachCallback, AfterEachCallback {
  private final long limitBytes;
  private BufferAllocator allocator;
  private Workers workers;
  private QueryMemory memory;
  private QueryContext context;

  TestQueryContext(long limitBytes) {
    this.limitBytes = limitBytes;
  }

  @Override
  public void beforeEach(ExtensionContext extension) {
    allocator = new RootAllocator();
    workers = new Workers(1);
    memory = new QueryMemory(allocator, limitBytes);
    context = new QueryContext(memory, new TableEncodings(), workers, 2);
  }

  @Override
  public void afterEach(ExtensionContext extension) {
    workers.close();
    memory.close();
    allocator.close();
  }

  QueryContext context() {
    return context;
  }

  /**
   * A context on the same threads with an account of its own, to be closed by the caller: one per
   * world when a test compares the work two worlds charge.
   */
  QueryContext withOwnAccount(QueryMemory account) {
    return new QueryContext(account, new TableEncodings(), workers, 2);
  }

  /** A new account of the test's size, for {@link #withOwnAccount}. */
  QueryMemory newAccount() {
    return new QueryMemory(allocator, limitBytes);
  }
}
