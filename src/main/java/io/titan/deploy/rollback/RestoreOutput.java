package io.titan.deploy.rollback;

import io.titan.deploy.config.EnvValue;
import io.titan.deploy.config.Secrets;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.ProcessWatch;
import io.titan.deploy.release.ReleaseRecord;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The output of the services one {@link RestorePass} starts again, kept by the pass's watch so that
 * one it cannot restore, or that does not answer at the end of the rollback, can show why.
 */
final class RestoreOutput {

    private final Rollback.Scope scope;
    private final ProcessWatch watch;
    private final Map<String, List<OutputLine>> taken = new ConcurrentHashMap<>();

    RestoreOutput(Rollback.Scope scope, ProcessWatch watch) {
        this.scope = scope;
        this.watch = watch;
    }

    /**
     * Keeps {@code name}'s output from now on: call it just before starting {@code app}.
     *
     * @param secretTemplates the app's secret keys and the {@code ${VAR}} templates they come from
     */
    void keep(String name, Pm2App app, Map<String, String> secretTemplates) {
        ServiceSpec spec = scope.spec(name);
        int lines = spec == null ? ServiceSpec.DEFAULT_LOG_LINES : spec.logLines();
        if (lines == 0) {
            return;
        }
        List<EnvValue> templates = new ArrayList<>();
        secretTemplates.values().stream().filter(Objects::nonNull).forEach(t -> templates.add(EnvValue.of(t)));
        Set<String> secrets = new LinkedHashSet<>(Secrets.values(templates, scope.environment()));
        // The values the app runs with, whatever their source: a template gone from the environment
        // still left its value in a definition restored as it was.
        secretTemplates.keySet().forEach(key -> Optional.ofNullable(app.env().get(key)).ifPresent(secrets::add));
        watch.keepOutput(name, lines, secrets);
    }

    /** Takes {@code name}'s last lines, when it printed any since {@link #keep}, for its failure. */
    void take(String name) {
        List<OutputLine> lines = watch.output(name);
        if (!lines.isEmpty()) {
            taken.put(name, lines);
        }
    }

    /** Sends the lines taken of {@code name}, if any, as {@code service:output}: right after its failure. */
    void show(ReleaseRecord record, String name) {
        Optional.ofNullable(taken.get(name)).ifPresent(lines -> scope.events().emit(
                new DeploymentEvent.ServiceOutput(scope.clock().instant(), record.id(), name, lines)));
    }

    /** The lines taken so far, by service. */
    Map<String, List<OutputLine>> taken() {
        return Map.copyOf(taken);
    }
}
