package io.titan.deploy.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.titan.deploy.change.ChangeDetection;
import io.titan.deploy.change.Fingerprinter;
import io.titan.deploy.config.Topology;
import io.titan.deploy.deploy.Apps;
import io.titan.deploy.pm2.Pm2App;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code titan-deploy ecosystem}: exactly what a deploy of the host sends the PM2 daemon, one app
 * object per service (its {@code prepare} call), built by the same code: the definitions from the
 * topology with secrets resolved ({@code deploy.Apps}), their fingerprints as a deploy computes them,
 * and the app object {@code Pm2Manager.start} sends. Secret values are shown as {@code ****}.
 */
@Command(name = "ecosystem", mixinStandardHelpOptions = true,
        description = "Print what a deploy of the host sends the PM2 daemon, one app per service, as JSON "
                + "{\"apps\":[...]}. Secret env values show as ****; their variables must be set, as for a deploy.")
final class EcosystemCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Mixin
    TopologyOptions topology;

    @Option(names = "--out", paramLabel = "FILE", description = "Write to FILE instead of stdout.")
    Path out;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Session session = Session.open(topology, spec);
        String json = JSON.writerWithDefaultPrettyPrinter().writeValueAsString(
                of(session.topology(), session.target(), System.getenv()));
        PrintWriter stdout = session.out();
        if (out == null) {
            stdout.println(json);
        } else {
            Path parent = out.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Files.writeString(out, json + "\n");
            stdout.println("wrote " + out);
        }
        stdout.flush();
        return 0;
    }

    /** {@code {"apps":[...]}}: what a deploy of {@code target} sends, in plan order, secrets masked. */
    static ObjectNode of(Topology topology, Target target, Map<String, String> environment) {
        List<String> order = topology.servicesOn(target.host());
        Map<String, Pm2App> wanted = ChangeDetection.fingerprinted(topology, order,
                Apps.toPm2Apps(topology, order, environment),
                Fingerprinter.forRun(topology, target.stateDir(), target.pm2Home(), List.of()));
        ObjectNode root = JSON.createObjectNode();
        ArrayNode apps = root.putArray("apps");
        wanted.forEach((name, app) -> {
            ObjectNode sent = target.pm2().appConfig(app);
            ObjectNode env = (ObjectNode) sent.get("env");
            topology.service(name).env().forEach((key, value) -> {
                if (value.secret()) {
                    env.put(key, value.display());
                }
            });
            apps.add(sent);
        });
        return root;
    }
}
