package io.titan.deploy.pm2;

import java.util.List;

/**
 * What the deployment engine needs from PM2. {@link Pm2Manager} is the real one; unit tests of
 * ordering logic use a fake, and every path also runs against real PM2 in the integration tests.
 */
public interface ProcessControl {

    /** PM2_HOME of the target, for messages. */
    String home();

    /** Starts or pings the daemon and configures log rotation. */
    void initialize();

    /**
     * Starts the app with exactly this definition, replacing any app of that name.
     *
     * @return the processes started, which a {@link ProcessWatch} can then watch
     */
    List<Pm2Process> start(Pm2App app);

    /**
     * Starts one more cluster worker of {@code app} beside the processes of that name that run
     * already (none is stopped), as instance {@code instance} ({@code NODE_APP_INSTANCE}).
     *
     * @return the worker started
     * @throws UnsupportedOperationException where the control runs no cluster (a fake of ordering logic)
     */
    default Pm2Process startWorker(Pm2App app, int instance) {
        throw new UnsupportedOperationException(home() + " starts no cluster workers one by one");
    }

    /**
     * Stops one process (SIGINT, then SIGKILL after its kill timeout) and forgets it; returns once
     * it is gone. No error when there is no such process.
     *
     * @throws UnsupportedOperationException where the control runs no cluster (a fake of ordering logic)
     */
    default void stopWorker(int pmId) {
        throw new UnsupportedOperationException(home() + " stops no cluster workers one by one");
    }

    /** Stops the app, keeping its definition. */
    void stop(String name);

    /** Stops and forgets the app; no error when there is none. */
    void delete(String name);

    /** PM2's processes and their definitions, from one look at PM2. */
    Pm2Snapshot snapshot();

    /** PM2's process list, modules left out. */
    default List<Pm2Process> processes() {
        return snapshot().processes();
    }

    /** Starts watching PM2's process events; close it when done. */
    ProcessWatch watch();
}
