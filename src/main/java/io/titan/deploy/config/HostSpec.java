package io.titan.deploy.config;

import java.nio.file.Path;

/**
 * One machine the services run on: its own PM2 and state dir, the Jenkins agent label that runs
 * there, and the address other hosts reach its services at.
 *
 * @param name     the host's name in the topology
 * @param agent    the Jenkins agent label of the machine, or null for the implicit local host
 * @param address  where its services answer (health checks and dependents use it)
 * @param pm2      its PM2 settings
 * @param stateDir its release records and lock, or null for {@code titan/} under its PM2_HOME
 */
public record HostSpec(String name, String agent, String address, Pm2Settings pm2, Path stateDir) {

    /** The name of the host a topology without {@code hosts:} runs on. */
    public static final String LOCAL = "local";

    /** The host of a topology without {@code hosts:}: this machine, as every topology meant before hosts. */
    static HostSpec local(Pm2Settings pm2, Path stateDir, String address) {
        return new HostSpec(LOCAL, null, address, pm2, stateDir);
    }
}
