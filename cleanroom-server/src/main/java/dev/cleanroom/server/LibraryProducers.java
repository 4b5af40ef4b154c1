package dev.cleanroom.server;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one place where the framework-free libraries are wired into CDI: they have no annotations, so
 * the server builds them here from its configuration.
 */
public class LibraryProducers {

  /** The process's one Arrow root allocator; every query and upload takes a named child. */
  @Produces
  @Singleton
  BufferAllocator rootAllocator(
      @ConfigProperty(name = "cleanroom.arrow.max-bytes", defaultValue = "4294967296")
          long maxBytes) {
    return new RootAllocator(maxBytes);
  }

  void closeAllocator(@Disposes BufferAllocator allocator) {
    allocator.close();
  }
}
