package io.titan.deploy.pm2;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the deployment engine needs from PM2. {@link Pm2Control} is the real one; unit tests of
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

    /** Stops the app, keeping its definition. */
    void stop(String name);

    /** Stops and forgets the app; no error when there is none. */
    void delete(String name);

    /** The app's current definition, if PM2 has one. */
    Optional<Pm2AppDefinition> describe(String name);

    /** Every app's current definition, by name, from one look at PM2. */
    Map<String, Pm2AppDefinition> describeAll();

    /** PM2's process list, modules left out. */
    List<Pm2Process> processes();

    /** Starts watching PM2's process events; close it when done. */
    ProcessWatch watch();
}
