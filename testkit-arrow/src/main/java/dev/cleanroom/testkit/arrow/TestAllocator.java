package dev.cleanroom.testkit.arrow;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A root allocator per test, closed after it, so that Arrow memory a test leaves allocated fails
 * that test (Arrow's rule: one root per process, each user closes what it opened). Register it on
 * an instance field for one allocator per test, or on a static field for one per test class (data
 * loaded once in {@code @BeforeAll}):
 *
 * <pre>{@code
 * @RegisterExtension final TestAllocator memory = new TestAllocator();
 * ... memory.allocator() ...
 * }</pre>
 */
public final class TestAllocator
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {
  private BufferAllocator allocator;
  private boolean perClass;

  /** The open allocator; there is one only while a test (or, when static, its class) runs. */
  public BufferAllocator allocator() {
    if (allocator == null) {
      throw new IllegalStateException(
          "the allocator is open only while a test runs; register TestAllocator with"
              + " @RegisterExtension");
    }
    return allocator;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    // Only a static field's extension is registered before the class's tests run.
    perClass = true;
    open();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      open();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      close();
    }
  }

  private void open() {
    allocator = new RootAllocator();
  }

  private void close() {
    BufferAllocator open = allocator;
    allocator = null;
    if (open == null) {
      return;
    }
    long leaked = open.getAllocatedMemory();
    try {
      open.close();
    } catch (IllegalStateException e) {
      throw new AssertionError(
          "the test left Arrow memory allocated (" + leaked + " bytes) or an allocator open", e);
    }
  }
}
