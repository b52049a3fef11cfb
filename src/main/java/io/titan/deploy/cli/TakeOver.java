package io.titan.deploy.cli;

import picocli.CommandLine.Option;

/**
 * {@code --take-over}, on every command that changes a host: a person's way to end the release of a
 * pipeline that died while its lease still holds the host, instead of waiting for it to run out.
 */
final class TakeOver {

    @Option(names = "--take-over", description = "When a release holds this host and its pipeline is dead: end it, "
            + "restoring its part of the host first (as when its lease runs out), then go on.")
    boolean value;
}
