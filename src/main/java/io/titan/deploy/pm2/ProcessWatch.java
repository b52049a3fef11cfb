package io.titan.deploy.pm2;

import io.titan.deploy.event.OutputLine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Watches apps the engine has started through PM2's event bus: an app that exits, is given up on,
 * or is stopped by someone else is known the moment the daemon says so, and so is the daemon
 * itself going away. Nothing is polled.
 *
 * <p>Each start of an app is told apart by the {@code unique_id} PM2 gives it, so events of the
 * process a deployment replaced (its deletion, say) never count against the new one, even when PM2
 * hands out the same pm_id again. Events are kept from the moment the watch opens, because a
 * process that dies at once may be reported before the start call has returned.
 *
 * <p>A daemon that is shutting down counts as gone. {@code pm2 kill} (and {@code pm2 update})
 * first stops every app, each as a {@code pm2 stop} would, and only then tells the daemon to exit,
 * which announces it ({@code pm2:kill}) and closes its sockets; a SIGTERM announces it first and
 * then stops the apps one by one. So a watched app stopped from outside is not reported at once:
 * until the daemon has either announced its shutdown or gone on without one for
 * {@link #DEFAULT_SHUTDOWN_GRACE} after the last app it stopped, the stop might be the daemon's
 * own, and the watch waits to say which.
 *
 * <p>It also keeps the last lines of the apps it is asked to ({@link #keepOutput}), to show why one
 * failed.
 */
public final class ProcessWatch implements AutoCloseable {

    /** What a release says when its daemon shut down under it ({@code pm2 kill}, {@code pm2 update}, a SIGTERM). */
    public static final String DAEMON_STOPPED = "the PM2 daemon was stopped during the deployment";

    /**
     * How long after the last app stopped from outside a daemon may still announce its shutdown:
     * {@code pm2 kill} waits for each app to go (up to its kill_timeout, 1.6 s by default), then
     * tells the daemon to exit about 0.1 s later.
     */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Pm2App.DEFAULT_KILL_TIMEOUT.plusSeconds(1);

    private final Object lock = new Object();
    private final Map<String, List<ProcessEvent>> events = new HashMap<>();
    private final Map<String, Set<String>> watched = new HashMap<>();
    private final Duration shutdownGrace;
    private final AutoCloseable subscription;
    private final KeptOutputs outputs;
    private String daemonGone;
    private String daemonStopping;
    /** When an app of the daemon, any app, last stopped on request; 0 before the first. */
    private long lastStop;

    /** Watches what {@code events} reports, from now on; close it when done. */
    public ProcessWatch(ProcessEvents source) {
        this(source, null, DEFAULT_SHUTDOWN_GRACE);
    }

    /** {@link #ProcessWatch(ProcessEvents)} with another grace, for tests of the verdict itself. */
    ProcessWatch(ProcessEvents source, Duration shutdownGrace) {
        this(source, null, shutdownGrace);
    }

    /**
     * Watches what {@code events} reports; output the events miss is looked for in the apps' log
     * files under {@code pm2Home} (null: none).
     */
    ProcessWatch(ProcessEvents source, Path pm2Home) {
        this(source, pm2Home, DEFAULT_SHUTDOWN_GRACE);
    }

    private ProcessWatch(ProcessEvents source, Path pm2Home, Duration shutdownGrace) {
        this.shutdownGrace = shutdownGrace;
        this.outputs = new KeptOutputs(pm2Home);
        this.subscription = source.listen(new ProcessEvents.Listener() {
            @Override
            public void event(ProcessEvent event) {
                synchronized (lock) {
                    events.computeIfAbsent(event.name(), n -> new ArrayList<>()).add(event);
                    if (stoppedOnRequest(event)) {
                        lastStop = System.nanoTime();
                    }
                    if (event.event().equals("online") && endLocked(event.name()) != null) {
                        // PM2 restarted the app that ended: what the new process prints is not why it ended.
                        outputs.restarted(event.name(), event.at());
                    }
                    lock.notifyAll();
                }
            }

            @Override
            public void output(String app, OutputLine.Stream stream, Instant at, String data) {
                outputs.received(app, stream, at, data);
            }

            @Override
            public void closed(String why) {
                synchronized (lock) {
                    daemonGone = why;
                    lock.notifyAll();
                }
            }

            @Override
            public void stopping(String why) {
                synchronized (lock) {
                    daemonStopping = why;
                    lock.notifyAll();
                }
            }
        });
    }

    /** Watches {@code name} from now on as the processes {@code started} (what a start returned). */
    public void watch(String name, Collection<Pm2Process> started) {
        Set<String> ids = new HashSet<>();
        for (Pm2Process process : started) {
            if (process.uniqueId() != null) {
                ids.add(process.uniqueId());
            }
        }
        synchronized (lock) {
            watched.put(name, ids);
            lock.notifyAll();
        }
    }

    /**
     * Keeps the last {@code lines} lines {@code name} prints from now on, {@code secrets} masked;
     * call it just before starting the app (its predecessor's last words are not kept).
     */
    public void keepOutput(String name, int lines, Collection<String> secrets) {
        outputs.keep(name, lines, secrets);
    }

    /**
     * The last lines {@code name} printed since {@link #keepOutput}, oldest first, secrets masked;
     * lines the events missed come from its PM2 log files. Empty when its output is not kept. When
     * the watched start has ended (or its daemon is gone), first waits for its output to settle (at
     * most 500 ms): PM2 may publish the last lines just after the exit.
     */
    public List<OutputLine> output(String name) {
        boolean ended;
        synchronized (lock) {
            ended = endLocked(name) != null || problemLocked(name).isPresent();
        }
        return outputs.lines(name, ended);
    }

    /**
     * Why the watched start of {@code name} is no longer fit to run, or empty: it exited (PM2 may
     * be restarting it, which still means it crashed), PM2 gave up on it, someone stopped or
     * deleted it, or the daemon is shutting down or went away. Empty too while it is not yet known
     * whether a stop from outside was the daemon shutting down (see the class comment).
     */
    public Optional<String> problem(String name) {
        synchronized (lock) {
            return problemLocked(name);
        }
    }

    private Optional<String> problemLocked(String name) {
        ProcessEvent end = endLocked(name);
        if (end != null && !stoppedOnRequest(end)) {
            return Optional.of(describe(end));
        }
        if (daemonStopping != null) {
            return Optional.of("stopped: " + DAEMON_STOPPED + " (" + daemonStopping + ")");
        }
        if (end != null && daemonGone != null) {
            return Optional.of("stopped: " + DAEMON_STOPPED + " (it stopped its apps, then closed its sockets)");
        }
        if (end != null) {
            return verdictDueLocked() > 0 ? Optional.empty() : Optional.of(describe(end));
        }
        if (daemonGone != null) {
            return Optional.of("lost its PM2 daemon: " + daemonGone);
        }
        return Optional.empty();
    }

    /** The first event after which the watched start of {@code name} no longer runs, or null. */
    private ProcessEvent endLocked(String name) {
        Set<String> ids = watched.get(name);
        if (ids != null) {
            for (ProcessEvent event : events.getOrDefault(name, List.of())) {
                if (event.uniqueId() != null && ids.contains(event.uniqueId()) && event.ended()) {
                    return event;
                }
            }
        }
        return null;
    }

    /**
     * When it will be known whether the daemon is shutting down (System.nanoTime()), or 0 when
     * that is known already: it announced it, it went, or it stopped nothing from outside lately.
     */
    private long verdictDueLocked() {
        if (daemonStopping != null || daemonGone != null || lastStop == 0) {
            return 0;
        }
        long due = lastStop + shutdownGrace.toNanos();
        return due - System.nanoTime() > 0 ? due : 0;
    }

    /** Whether a watched start was stopped from outside and its daemon's fate is not known yet. */
    private boolean awaitingVerdictLocked() {
        if (verdictDueLocked() == 0) {
            return false;
        }
        return watched.keySet().stream().map(this::endLocked).anyMatch(end -> end != null && stoppedOnRequest(end));
    }

    /** Every event about {@code name} since the watch opened, in the daemon's order. */
    public List<ProcessEvent> events(String name) {
        synchronized (lock) {
            return List.copyOf(events.getOrDefault(name, List.of()));
        }
    }

    /**
     * Why the daemon counts as gone: it announced its shutdown, or its socket closed; empty while
     * it runs on.
     */
    public Optional<String> daemonLost() {
        synchronized (lock) {
            if (daemonStopping != null) {
                return Optional.of(DAEMON_STOPPED + " (" + daemonStopping + ")");
            }
            return Optional.ofNullable(daemonGone).map(why -> "lost the PM2 daemon: " + why);
        }
    }

    /**
     * Waits while a watched start was stopped from outside and it is not yet known whether the
     * daemon is shutting down (at most {@code max}): nothing should be started on a daemon that
     * may be on its way out. Returns at once otherwise.
     */
    public void awaitVerdict(Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (awaitingVerdictLocked()) {
                long now = System.nanoTime();
                if (deadline - now <= 0) {
                    return;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, Math.min(deadline, verdictDueLocked()) - now);
            }
        }
    }

    /**
     * Waits until {@link #problem(String)} has something to say or {@code max} has passed. A stop
     * from outside seen by then is always settled first, even past {@code max}: whether it was the
     * daemon shutting down takes at most {@link #DEFAULT_SHUTDOWN_GRACE} more.
     *
     * @return the problem, or empty when {@code max} passed without one
     */
    public Optional<String> awaitProblem(String name, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (true) {
                Optional<String> problem = problemLocked(name);
                if (problem.isPresent()) {
                    return problem;
                }
                long due = endLocked(name) != null ? verdictDueLocked() : 0;
                long until = due != 0 ? Math.max(deadline, due) : deadline;
                long left = until - System.nanoTime();
                if (left <= 0) {
                    return problem;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /**
     * Sleeps for {@code max}, or less when an event about {@code name} arrives or the daemon goes:
     * a health check waiting between attempts wakes up the moment its service crashes.
     */
    public void pause(String name, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            int seen = events.getOrDefault(name, List.of()).size();
            while (daemonGone == null && daemonStopping == null && events.getOrDefault(name, List.of()).size() == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
    }

    /**
     * A stop someone asked for: a pm2 stop, restart or delete, PM2's memory limit, or a
     * {@code pm2 kill} stopping every app before the daemon exits.
     */
    private static boolean stoppedOnRequest(ProcessEvent event) {
        return event.event().equals("exit") ? event.status() == Pm2Status.STOPPING
                : event.event().equals("stop") || event.event().equals("delete");
    }

    private static String describe(ProcessEvent event) {
        return switch (event.event()) {
            case "restart overlimit" -> "kept crashing and PM2 gave up on it (status " + event.status().pm2Name() + ")";
            case "stop" -> "was stopped by a pm2 stop from outside this deployment";
            case "delete" -> "was deleted by a pm2 delete from outside this deployment";
            default -> exited(event);
        };
    }

    /**
     * An {@code exit} as pm2 7.0.4 reports it: an app killed by a signal (SIGKILL, the OOM killer)
     * comes with exit code 0, as a clean exit does ({@code code || 0}), and the signal is nowhere
     * in the event; an exit a stop asked for (a pm2 stop, restart or delete, or PM2's own memory
     * limit) still has the status {@code stopping}, and the {@code stop} or {@code delete} event a
     * pm2 CLI sends comes only after it.
     */
    private static String exited(ProcessEvent event) {
        if (event.status() == Pm2Status.STOPPING) {
            return "was stopped on request (a pm2 stop, restart or delete from outside this deployment,"
                    + " or PM2's max_memory_restart)";
        }
        if (event.exitCode() == null) {
            return "exited (PM2 gave no exit code)";
        }
        if (event.exitCode() == 0) {
            return "exited with code 0 or was killed by a signal (PM2 reports both as 0)";
        }
        return "exited with code " + event.exitCode();
    }

    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            // Removing a listener from a list does not fail.
        }
    }
}
