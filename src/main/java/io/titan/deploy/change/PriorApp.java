package io.titan.deploy.change;

import io.titan.deploy.pm2.Pm2App;
import java.util.function.Predicate;

/**
 * What a rollback wants one service to be again: the app PM2 ran before a release, as the
 * release's record keeps it. The record is the desired state, as the topology is a deploy's.
 *
 * @param running        whether PM2 kept it running then (false: it is put back stopped)
 * @param fingerprint    the fingerprint it ran with, or null when the record has none (an app this
 *                       engine did not start): then {@code sameDefinition} decides
 * @param sameDefinition whether an app PM2 runs is this definition, for an app without fingerprint
 */
public record PriorApp(boolean running, Fingerprint fingerprint, Predicate<Pm2App> sameDefinition) {
}
