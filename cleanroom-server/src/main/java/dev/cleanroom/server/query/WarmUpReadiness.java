package dev.cleanroom.server.query;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the dataset versions current at the start are loaded and prepared for their joins
 * ({@link VersionWarmUp}; at once when the warm-up is off), so that the first queries routed to a
 * restarted server do not wait for the loads.
 */
@Readiness
@ApplicationScoped
public class WarmUpReadiness implements HealthCheck {
  private final VersionWarmUp warmUp;

  @Inject
  public WarmUpReadiness(VersionWarmUp warmUp) {
    this.warmUp = warmUp;
  }

  @Override
  public HealthCheckResponse call() {
    return HealthCheckResponse.named("loaded-versions").status(warmUp.startWarmedUp()).build();
  }
}
