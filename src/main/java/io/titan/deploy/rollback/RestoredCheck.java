package io.titan.deploy.rollback;

import io.titan.deploy.TitanException;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.graph.DependencyWalk;
import io.titan.deploy.health.AbstractWaitStrategy;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeResult;
import io.titan.deploy.pm2.Pm2Process;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A rollback's last act: every service it started again must answer now, all checked at once. A
 * service passes when each of its processes is the start the rollback saw healthy, not restarted
 * by PM2 since, online, and the service answers its health check (PM2 online where it has none).
 * A service that answered once and then went with its daemon, or crashed and came back, did not
 * stay restored, and saying so is the point.
 */
final class RestoredCheck {

    private RestoredCheck() {
    }

    /**
     * A service a rollback started again and saw healthy: each of its processes (the start PM2 gave
     * it, {@code unique_id}, which a cluster's instances share, and its pm_id) with its restart count
     * at that moment.
     */
    record Restored(Map<String, Integer> restartsByProcess) {
        static Restored of(List<Pm2Process> processes) {
            Map<String, Integer> restarts = new HashMap<>();
            processes.forEach(p -> restarts.put(key(p), p.restarts()));
            return new Restored(Map.copyOf(restarts));
        }

        /** The restart count {@code process} had when restored, or null when it is another start. */
        Integer restartsOf(Pm2Process process) {
            return restartsByProcess.get(key(process));
        }

        private static String key(Pm2Process process) {
            return process.uniqueId() + "/" + process.pmId();
        }
    }

    /**
     * Checks {@code names} against {@code processes} (one look at PM2) and their health checks, all
     * at once.
     *
     * @param lost whether a PM2 call's failure was the daemon going away (then the service is not judged)
     * @return why each service that does not hold does not, by name
     */
    static Map<String, String> run(Rollback.Scope scope, List<String> names, Map<String, Restored> restored,
                                   List<Pm2Process> processes, Predicate<TitanException> lost) {
        Map<String, String> unfit = new ConcurrentHashMap<>();
        DependencyWalk.inDependencyOrder(names, null, name -> {
            try {
                unfit(scope, name, restored.get(name), processes).ifPresent(why -> unfit.put(name, why));
            } catch (TitanException e) {
                if (!lost.test(e)) {
                    unfit.put(name, "could not be checked: " + e.getMessage());
                }
            }
        });
        return unfit;
    }

    private static Optional<String> unfit(Rollback.Scope scope, String name, Restored then, List<Pm2Process> processes) {
        List<Pm2Process> mine = processes.stream().filter(p -> p.name().equals(name)).toList();
        if (mine.isEmpty()) {
            return Optional.of("is not in PM2's process list any more");
        }
        for (Pm2Process process : mine) {
            Integer restarts = then.restartsOf(process);
            if (restarts == null) {
                return Optional.of("was replaced by another start of it since it was restored");
            }
            if (process.restarts() > restarts) {
                int times = process.restarts() - restarts;
                return Optional.of("was restarted by PM2 " + times + (times == 1 ? " time" : " times")
                        + " since it was restored (it crashed or was killed)");
            }
            if (!process.isOnline()) {
                return Optional.of("is " + process.status().pm2Name() + " in PM2");
            }
        }
        ServiceSpec spec = scope.spec(name);
        HealthProbe probe = scope.probe(name);
        ProbeResult answer = probe.probe(spec == null ? AbstractWaitStrategy.DEFAULT_ATTEMPT_TIMEOUT : spec.healthTimeout());
        return answer.healthy() ? Optional.empty()
                : Optional.of("does not answer (" + probe.target() + ": " + answer.observed() + ")");
    }
}
