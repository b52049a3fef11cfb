package io.titan.deploy.validate;

import io.titan.deploy.TitanException;
import io.titan.deploy.pm2.Pm2Manager;
import io.titan.deploy.pm2.Pm2Process;
import java.util.List;
import java.util.Optional;

/**
 * The validator's view of PM2: one process list per validation, taken on first use, so that every
 * service's check judges the same moment.
 */
public final class Pm2StatusAdapter implements Pm2StatusSource {

    private final Pm2Manager pm2;
    private List<Pm2Process> processes;

    public Pm2StatusAdapter(Pm2Manager pm2) {
        this.pm2 = pm2;
    }

    @Override
    public synchronized Optional<Pm2Process> status(String name) {
        if (processes == null) {
            processes = pm2.getProcessList();
        }
        return processes.stream().filter(p -> p.name().equals(name)).findFirst();
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
