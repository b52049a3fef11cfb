package io.titan.deploy.health;

import io.titan.deploy.pm2.ProcessControl;
import java.time.Duration;

/**
 * The proof of life of a service without a health check of its own: PM2 lists it online with a
 * pid (PM2 also says "online" without one at times).
 *
 * @param pm2  where to look
 * @param name the app
 */
public record Pm2OnlineProbe(ProcessControl pm2, String name) implements HealthProbe {

    @Override
    public ProbeResult probe(Duration timeout) {
        return pm2.processes().stream().filter(p -> p.name().equals(name)).findFirst()
                .map(p -> p.isOnline()
                        ? ProbeResult.healthy("online, pid " + p.pid())
                        : ProbeResult.unhealthy("PM2 status " + p.status().pm2Name()))
                .orElse(ProbeResult.unhealthy("not listed by PM2"));
    }

    @Override
    public String target() {
        return "pm2 status of " + name;
    }
}
