package dev.cleanroom.testkit.arrow;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extension in the tests it serves, run through the JUnit launcher: the nested classes below
 * are those tests (the build's test scan leaves nested classes out).
 */
class TestAllocatorTest {
  private static final List<BufferAllocator> SEEN = new ArrayList<>();

  private static TestExecutionSummary run(Class<?> testClass) {
    SEEN.clear();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create()
        .execute(
            LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass)).build(),
            listener);
    return listener.getSummary();
  }

  @Test
  void testThatClosesWhatItAllocates_passes() {
    TestExecutionSummary summary = run(Tidy.class);

    assertEquals(1, summary.getTestsSucceededCount());
    assertEquals(0, summary.getTotalFailureCount());
  }

  @Test
  void testThatLeaksABuffer_fails() {
    TestExecutionSummary summary = run(Leaking.class);

    assertEquals(1, summary.getTestsFailedCount());
    Throwable failure = summary.getFailures().get(0).getException();
    assertInstanceOf(AssertionError.class, failure);
    assertTrue(
        failure.getMessage().startsWith("the test left Arrow memory allocated (64 bytes)"),
        failure.getMessage());
  }

  @Test
  void instanceField_givesEveryTestItsOwnAllocator() {
    run(TwoTestsPerTest.class);

    assertEquals(2, SEEN.size());
    assertNotSame(SEEN.get(0), SEEN.get(1));
  }

  @Test
  void staticField_sharesOneAllocatorAcrossTheClassAndChecksItAfterTheLastTest() {
    TestExecutionSummary summary = run(TwoTestsPerClass.class);

    assertEquals(2, SEEN.size());
    assertSame(SEEN.get(0), SEEN.get(1));
    // The class's tests passed; the buffer left for the end fails the class.
    assertEquals(2, summary.getTestsSucceededCount());
    assertEquals(1, summary.getContainersFailedCount());
  }

  @Test
  void allocatorOutsideATest_isRefused() {
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> new TestAllocator().allocator());
    assertTrue(e.getMessage().contains("@RegisterExtension"), e.getMessage());
  }

  static class Tidy {
    @RegisterExtension final TestAllocator memory = new TestAllocator();

    @Test
    void allocatesAndCloses() {
      memory.allocator().buffer(64).close();
    }
  }

  static class Leaking {
    @RegisterExtension final TestAllocator memory = new TestAllocator();

    @Test
    void allocatesAndForgets() {
      memory.allocator().buffer(64);
    }
  }

  static class TwoTestsPerTest {
    @RegisterExtension final TestAllocator memory = new TestAllocator();

    @Test
    void first() {
      SEEN.add(memory.allocator());
    }

    @Test
    void second() {
      SEEN.add(memory.allocator());
    }
  }

  static class TwoTestsPerClass {
    @RegisterExtension static final TestAllocator MEMORY = new TestAllocator();

    @Test
    void first() {
      SEEN.add(MEMORY.allocator());
      MEMORY.allocator().buffer(8); // still allocated when the class ends
    }

    @Test
    void second() {
      SEEN.add(MEMORY.allocator());
    }
  }
}
