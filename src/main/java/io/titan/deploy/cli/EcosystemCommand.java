package io.titan.deploy.cli;

import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.Apps;
import io.titan.deploy.pm2.Ecosystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code titan-deploy ecosystem}: the PM2 ecosystem file a deploy would use, secrets masked. */
@Command(name = "ecosystem", mixinStandardHelpOptions = true,
        description = "Write the PM2 ecosystem file (JSON) a deploy would use (with --host, of that host's services). "
                + "Secret env values show as ****.")
final class EcosystemCommand implements Callable<Integer> {

    @Mixin
    TopologyOptions topology;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of stdout.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Topology t = topology.load();
        // --host: the apps that host's PM2 would run; without, every host's.
        String host = topology.host == null ? null : t.host(topology.host).name();
        String json = Ecosystem.toJson(t.inOrder().stream().filter(s -> host == null || s.host().equals(host))
                .map(Apps::toDisplayApp).toList());
        if (out == null) {
            PrintWriter stdout = spec.commandLine().getOut();
            stdout.println(json);
            stdout.flush();
        } else {
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(out, json + "\n");
            spec.commandLine().getOut().println("wrote " + out);
            spec.commandLine().getOut().flush();
        }
        return 0;
    }
}
