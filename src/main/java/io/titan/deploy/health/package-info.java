/**
 * Health checks: one-shot {@link io.titan.deploy.health.HealthProbe probes} ({@link io.titan.deploy.health.HttpProbe},
 * {@link io.titan.deploy.health.TcpProbe}) and {@link io.titan.deploy.health.WaitStrategy wait strategies} that
 * repeat them until a deadline, modelled on testcontainers' wait strategies. Start from
 * {@link io.titan.deploy.health.Wait}. Failures are {@link io.titan.deploy.health.HealthCheckException}s whose
 * messages name the target, the expectation and what was last seen.
 */
package io.titan.deploy.health;
