package io.titan.deploy.pm2;

import io.titan.deploy.TitanException;
import io.titan.deploy.validate.Pm2Status;
import io.titan.deploy.validate.Pm2StatusSource;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The validator's view of PM2: one {@code jlist} per validation, taken on first use, because the
 * validator asks once per service and each call would start a Node process.
 */
public final class Pm2StatusAdapter implements Pm2StatusSource {

    private final Pm2Manager pm2;
    private List<Pm2Process> processes;

    public Pm2StatusAdapter(Pm2Manager pm2) {
        this.pm2 = pm2;
    }

    @Override
    public synchronized Optional<Pm2Status> status(String name) {
        if (processes == null) {
            processes = pm2.getProcessList();
        }
        Instant now = Instant.now();
        return processes.stream().filter(p -> p.name().equals(name)).findFirst()
                .map(p -> new Pm2Status(p.isOnline(), p.restarts(),
                        uptime(p, now)));
    }

    private static Duration uptime(Pm2Process p, Instant now) {
        if (p.startedAt() == null || p.startedAt().isAfter(now)) {
            return Duration.ZERO;
        }
        return Duration.between(p.startedAt(), now);
    }

    @Override
    public boolean reachable() {
        try {
            return pm2.isDaemonRunning();
        } catch (TitanException e) {
            return false;
        }
    }
}
