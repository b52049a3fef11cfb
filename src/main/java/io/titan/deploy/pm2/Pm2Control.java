package io.titan.deploy.pm2;

import java.util.List;

/** {@link ProcessControl} over real PM2. */
public final class Pm2Control implements ProcessControl {

    private final Pm2Manager pm2;

    public Pm2Control(Pm2Manager pm2) {
        this.pm2 = pm2;
    }

    @Override
    public String home() {
        return pm2.pm2Home().toString();
    }

    @Override
    public void initialize() {
        pm2.initialize();
    }

    @Override
    public List<Pm2Process> start(Pm2App app) {
        return pm2.start(app);
    }

    @Override
    public Pm2Process startWorker(Pm2App app, int instance) {
        return pm2.startWorker(app, instance);
    }

    @Override
    public void stopWorker(int pmId) {
        pm2.stopWorker(pmId);
    }

    @Override
    public void stop(String name) {
        pm2.stop(name);
    }

    @Override
    public void delete(String name) {
        pm2.deleteIfPresent(name);
    }

    @Override
    public Pm2Snapshot snapshot() {
        return pm2.snapshot();
    }

    @Override
    public ProcessWatch watch() {
        return pm2.watch();
    }
}
