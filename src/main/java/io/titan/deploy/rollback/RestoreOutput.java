package io.titan.deploy.rollback;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.EnvValue;
import io.titan.deploy.config.Secrets;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.pm2.ProcessWatch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The output of the services a rollback starts again, kept so that one it cannot restore can show
 * why. The watch on PM2's events opens with the first start (a rollback that only removes starts
 * nothing); without it, no lines are kept and the rollback goes on as before.
 */
final class RestoreOutput implements AutoCloseable {

    private final ProcessControl pm2;
    private final Topology topology;
    private final Map<String, String> environment;
    private ProcessWatch watch;
    private boolean unavailable;

    /**
     * @param topology    where each service's {@code logLines} is, or null (then the default)
     * @param environment where the restored definitions' {@code ${VAR}} secrets come from
     */
    RestoreOutput(ProcessControl pm2, Topology topology, Map<String, String> environment) {
        this.pm2 = pm2;
        this.topology = topology;
        this.environment = environment;
    }

    /**
     * Keeps {@code name}'s output from now on: call it just before starting {@code app}.
     *
     * @param secretTemplates the app's secret keys and the {@code ${VAR}} templates they come from
     */
    synchronized void keep(String name, Pm2App app, Map<String, String> secretTemplates) {
        ServiceSpec spec = topology == null ? null : topology.services().get(name);
        int lines = spec == null ? ServiceSpec.DEFAULT_LOG_LINES : spec.logLines();
        if (lines == 0 || watch().isEmpty()) {
            return;
        }
        List<EnvValue> templates = new ArrayList<>();
        secretTemplates.values().stream().filter(Objects::nonNull).forEach(t -> templates.add(EnvValue.of(t)));
        Set<String> secrets = new java.util.LinkedHashSet<>(Secrets.values(templates, environment));
        // The values the app runs with, whatever their source: a template gone from the environment
        // still left its value in a definition restored as it was.
        secretTemplates.keySet().forEach(key -> Optional.ofNullable(app.env().get(key)).ifPresent(secrets::add));
        watch.keepOutput(name, lines, secrets);
    }

    /** {@code name}'s last lines, when it printed any since {@link #keep}. */
    synchronized Optional<List<OutputLine>> of(String name) {
        if (watch == null) {
            return Optional.empty();
        }
        List<OutputLine> lines = watch.output(name);
        return lines.isEmpty() ? Optional.empty() : Optional.of(lines);
    }

    private Optional<ProcessWatch> watch() {
        if (watch == null && !unavailable) {
            try {
                watch = pm2.watch();
            } catch (TitanException e) {
                // No event socket: the restore itself will say what is wrong with the daemon.
                unavailable = true;
            }
        }
        return Optional.ofNullable(watch);
    }

    @Override
    public synchronized void close() {
        if (watch != null) {
            watch.close();
        }
    }
}
