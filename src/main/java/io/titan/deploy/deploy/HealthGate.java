package io.titan.deploy.deploy;

import io.titan.deploy.health.ServiceHealth;
import io.titan.deploy.pm2.ProcessControl;
import io.titan.deploy.config.ServiceSpec;
import io.titan.deploy.health.Durations;
import io.titan.deploy.health.HealthCheckException;
import io.titan.deploy.health.HealthCheckFailedException;
import io.titan.deploy.health.HealthCheckTimeoutException;
import io.titan.deploy.health.HealthProbe;
import io.titan.deploy.health.ProbeWaitStrategy;
import io.titan.deploy.health.TimeSource;
import io.titan.deploy.health.Wait;
import io.titan.deploy.health.Pm2OnlineProbe;
import io.titan.deploy.pm2.ProcessWatch;
import io.titan.deploy.health.ListeningSockets;
import io.titan.deploy.pm2.Pm2Process;
import io.titan.deploy.pm2.ReadyMessage;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Decides when a started service is ready: its own health check (PM2's {@code wait_ready} fails
 * open, so it is not trusted), or, for a service without one, PM2 showing it online. PM2's events
 * end the wait the moment the service exits: the pause between two health checks is cut short by
 * any event about the service.
 */
final class HealthGate {

    private final ProcessControl pm2;
    private final ProcessWatch watch;
    private final ListeningSockets sockets = ListeningSockets.system();

    HealthGate(ProcessControl pm2, ProcessWatch watch) {
        this.pm2 = pm2;
        this.watch = watch;
    }

    /**
     * Waits until the processes {@code started} of {@code spec} are ready, or fails: each has said
     * {@code process.send('ready')} where the service has {@code readyMessage}, then the service's
     * health check passes, counting for a cluster service only answers these processes gave.
     *
     * @param budget what is left of the service's startup timeout
     * @param stop   a reason to stop waiting (another service failed, a signal), or empty
     * @throws ServiceFailure with a message that names the service, the expectation and what was seen
     */
    void await(ServiceSpec spec, List<Pm2Process> started, Duration budget, Supplier<Optional<String>> stop) {
        String name = spec.name();
        Supplier<Optional<String>> abort = () -> stop.get().or(() -> watch.problem(name));
        long deadline = System.nanoTime() + budget.toNanos();
        if (spec.replacement().readyMessage()) {
            for (Pm2Process process : started) {
                awaitReady(spec, process, Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1)), abort);
            }
        }
        Duration left = Duration.ofNanos(Math.max(deadline - System.nanoTime(), 1_000_000));
        Set<Long> pids = started.stream().map(Pm2Process::pid).filter(pid -> pid > 0).collect(Collectors.toSet());
        HealthProbe probe = ServiceHealth.workerProbe(spec, pids).orElseGet(() -> new Pm2OnlineProbe(pm2, name));
        ProbeWaitStrategy wait = Wait.forProbe(probe)
                .withStartupTimeout(left)
                .withBackoff(ServiceHealth.STARTUP_BACKOFF)
                .withAttemptTimeout(spec.healthTimeout())
                .withTimeSource(new WokenByEvents(name))
                .withAbortCheck(abort);
        try {
            wait.waitUntilReady();
        } catch (HealthCheckTimeoutException e) {
            throw new ServiceFailure(name + " did not become healthy within " + Durations.format(spec.startupTimeout())
                    + " (" + e.target() + " " + e.lastObserved() + ")" + listensElsewhere(spec, e.lastObserved()));
        } catch (HealthCheckFailedException e) {
            throw new ServiceFailure(name + " " + e.reason());
        } catch (HealthCheckException e) {
            throw new ServiceFailure(name + ": " + e.getMessage());
        }
    }

    /**
     * Why a running service refuses its health check, when that is where it listens: {@code : titan-brain
     * listens on 127.0.0.1:3000, but its health check goes to 10.0.1.5:3000}; empty when it is not
     * known to listen anywhere else (or does not listen at all).
     */
    private String listensElsewhere(ServiceSpec spec, String observed) {
        if (!"connection refused".equals(observed) || spec.port() == null || spec.healthCheck().isEmpty()) {
            return "";
        }
        String host = spec.healthCheck().get().host();
        int port = spec.port();
        List<InetSocketAddress> listening = new ArrayList<>();
        try {
            pm2.processes().stream().filter(p -> p.name().equals(spec.name()) && p.pid() > 0)
                    .forEach(p -> listening.addAll(sockets.of(p.pid())));
        } catch (RuntimeException e) {
            // PM2 cannot say now: the failure stands without the hint.
            return "";
        }
        if (listening.isEmpty() || listening.stream().anyMatch(a -> reaches(a, host, port))) {
            return "";
        }
        String hint = Optional.ofNullable(spec.env().get("HOST")).map(v -> " (its env sets HOST " + v.display() + ")")
                .orElse("");
        return ": " + spec.name() + " listens on " + listening.stream().map(HealthGate::text)
                .collect(Collectors.joining(", ")) + ", but its health check goes to " + host + ":" + port + hint;
    }

    /** Whether a socket listening on {@code address} takes connections to {@code host:port}. */
    private static boolean reaches(InetSocketAddress address, String host, int port) {
        if (address.getPort() != port) {
            return false;
        }
        if (address.getAddress().isAnyLocalAddress()) {
            return true;
        }
        try {
            return java.util.Arrays.asList(InetAddress.getAllByName(host)).contains(address.getAddress());
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String text(InetSocketAddress address) {
        String ip = address.getAddress().getHostAddress();
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    /** Fails closed: no ready message within the budget is a failure, whatever PM2 shows. */
    private void awaitReady(ServiceSpec spec, Pm2Process process, Duration budget, Supplier<Optional<String>> abort) {
        try {
            if (ReadyMessage.await(watch, spec.name(), process.pmId(), budget, abort)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceFailure(spec.name() + ": interrupted while waiting for its ready message");
        }
        Optional<String> why = abort.get();
        if (why.isPresent()) {
            throw new ServiceFailure(spec.name() + " " + why.get());
        }
        throw new ServiceFailure(spec.name() + " (pid " + process.pid() + ") did not call process.send('ready') within "
                + Durations.format(spec.startupTimeout()) + " (readyMessage: true)");
    }

    /** The real clock, with pauses that end early when PM2 reports something about the service. */
    private final class WokenByEvents implements TimeSource {
        private final String name;

        WokenByEvents(String name) {
            this.name = name;
        }

        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            watch.pause(name, duration);
        }
    }
}
