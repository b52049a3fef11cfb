package io.titan.deploy.deploy;

import io.titan.deploy.config.ConfigException;
import io.titan.deploy.config.EnvValue;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.config.Topology;
import io.titan.deploy.pm2.Pm2App;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Turns a topology service into the PM2 app definition the engine starts. */
public final class Apps {

    private Apps() {
    }

    /**
     * The PM2 definition of {@code spec}, secrets resolved from {@code environment}.
     *
     * @throws ConfigException naming the service and variable when a secret's variable is unset
     */
    public static Pm2App toPm2App(ServiceSpec spec, Map<String, String> environment) {
        Map<String, String> env = new TreeMap<>();
        spec.env().forEach((key, value) -> {
            try {
                env.put(key, value.resolve(environment));
            } catch (EnvValue.UnsetVariableException e) {
                throw new ConfigException("services." + spec.name() + ".env." + key + ": " + e.getMessage());
            }
        });
        return withEnv(spec, env);
    }

    /** The PM2 definitions of the topology's services {@code names}, in that order (see {@link #toPm2App}). */
    public static Map<String, Pm2App> toPm2Apps(Topology topology, List<String> names,
                                                Map<String, String> environment) {
        Map<String, Pm2App> apps = new LinkedHashMap<>();
        names.forEach(name -> apps.put(name, toPm2App(topology.service(name), environment)));
        return apps;
    }

    private static Pm2App withEnv(ServiceSpec spec, Map<String, String> env) {
        return Pm2App.builder(spec.name(), spec.script())
                .cwd(spec.cwd())
                .args(spec.args())
                .env(env)
                .instances(spec.instances())
                .cluster(spec.clusterMode())
                .waitReady(spec.replacement().readyMessage())
                .killTimeout(spec.replacement().killTimeout())
                .maxMemoryRestart(spec.memory().toPm2())
                .build();
    }

    /** Per service of {@code topology}, its secret keys and the templates they come from. */
    public static Map<String, Map<String, String>> secretTemplates(Topology topology) {
        Map<String, Map<String, String>> templates = new TreeMap<>();
        topology.services().forEach((name, spec) -> templates.put(name, secretTemplates(spec)));
        return templates;
    }

    /** Secret keys of {@code spec} and the templates they come from. */
    public static Map<String, String> secretTemplates(ServiceSpec spec) {
        Map<String, String> secrets = new TreeMap<>();
        spec.env().forEach((key, value) -> {
            if (value.secret()) {
                secrets.put(key, value.template());
            }
        });
        return secrets;
    }
}
