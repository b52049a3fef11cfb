package io.titan.deploy.deploy;

import io.titan.deploy.config.Secrets;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.OutputLine;
import io.titan.deploy.health.Durations;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.ProcessWatch;
import io.titan.deploy.release.ServiceStep;
import io.titan.deploy.release.StepDowntime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The rest of a service's soak in a process of its own ({@code release soak}), after another one
 * left it healthy ({@code release service --until healthy}): until its soak time after it became
 * healthy has passed, PM2 must report no exit or restart of it, and none may have happened since.
 * A service that fails it carries the last lines it printed during this watch.
 */
final class SoakStep {

    private SoakStep() {
    }

    /** Watches {@code name}, left healthy as {@code step} says, to the end of its soak; what became of it. */
    static ServiceOutcome finish(HostTarget target, String releaseId, String name, ServiceStep step) {
        ServiceSpec spec = target.topology().service(name);
        Instant until = Instant.parse(step.readyAt()).plus(spec.soak());
        Optional<String> problem;
        List<OutputLine> output = List.of();
        try (ProcessWatch watch = target.pm2().watch()) {
            // From now on: what it printed before this step is in no event this process can still hear.
            watch.keepOutput(name, spec.logLines(), Secrets.values(spec.env().values(), target.environment()));
            List<Pm2Process> now = processesOf(target, name);
            problem = changedSince(name, now, step.restarts());
            if (problem.isEmpty()) {
                watch.watch(name, now);
                Duration left = Duration.between(target.now(), until);
                if (!left.isNegative()) {
                    problem = watch.awaitProblem(name, left).map(p -> name + " " + p);
                }
                // An exit between the look above and the start of the watch.
                problem = problem.or(() -> changedSince(name, processesOf(target, name), step.restarts()));
            }
            if (problem.isPresent()) {
                output = watch.output(name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            problem = Optional.of(name + ": interrupted");
        }
        Instant readyAt = Instant.parse(step.readyAt());
        Instant startedAt = step.startedAt() == null ? null : Instant.parse(step.startedAt());
        int level = target.topology().graph().levelOf(name);
        ServiceOutcome outcome;
        if (problem.isPresent()) {
            String why = problem.get() + " during the " + Durations.format(spec.soak()) + " soak after it became healthy";
            target.events().emit(new DeploymentEvent.ServiceFailed(target.now(), releaseId, name, why));
            if (!output.isEmpty()) {
                target.events().emit(new DeploymentEvent.ServiceOutput(target.now(), releaseId, name, output));
            }
            outcome = new ServiceOutcome(name, ServiceStatus.FAILED, level, spec.dependsOn(), startedAt, readyAt,
                    Duration.ofMillis(step.durationMs()), step.restarts(), why, target.host(), output,
                    StepDowntime.of(step), null);
        } else {
            outcome = new ServiceOutcome(name, ServiceStatus.DEPLOYED, level, spec.dependsOn(), startedAt, readyAt,
                    Duration.ofMillis(step.durationMs()), step.restarts(), step.message(), target.host(), List.of(),
                    StepDowntime.of(step), null);
        }
        return outcome;
    }

    /** PM2's processes of {@code name} now. */
    private static List<Pm2Process> processesOf(HostTarget target, String name) {
        return target.pm2().processes().stream().filter(p -> p.name().equals(name)).toList();
    }

    /** Why {@code processes} show that {@code name} is not as it was when it became healthy, or empty. */
    private static Optional<String> changedSince(String name, List<Pm2Process> processes, int restartsWhenHealthy) {
        if (processes.isEmpty()) {
            return Optional.of(name + " is no longer in PM2");
        }
        for (Pm2Process p : processes) {
            if (!p.isOnline()) {
                return Optional.of(name + " is " + p.status().pm2Name());
            }
        }
        int restarts = processes.stream().mapToInt(Pm2Process::restarts).sum();
        if (restarts > restartsWhenHealthy) {
            return Optional.of(name + " restarted " + (restarts - restartsWhenHealthy) + " time(s)");
        }
        return Optional.empty();
    }
}
