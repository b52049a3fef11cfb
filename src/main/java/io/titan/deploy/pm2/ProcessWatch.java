package io.titan.deploy.pm2;

import io.titan.deploy.event.OutputLine;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>It also keeps the last lines of the apps it is asked to ({@link #keepOutput}), to show why one
 * failed.
 */
public final class ProcessWatch implements AutoCloseable {

    /** How long nothing may arrive for an ended app's output to count as complete. */
    private static final Duration SETTLE_QUIET = Duration.ofMillis(100);
    /** The longest an ended app's output is waited for. */
    static final long SETTLE_MAX_MS = 500;

    private final Object lock = new Object();
    private final Map<String, List<ProcessEvent>> events = new HashMap<>();
    private final Map<String, Set<String>> watched = new HashMap<>();
    private final AutoCloseable subscription;
    private final Map<String, AppOutput> outputs = new ConcurrentHashMap<>();
    private final Path pm2Home;
    private String daemonGone;

    /** Watches what {@code events} reports, from now on; close it when done. */
    public ProcessWatch(ProcessEvents source) {
        this(source, null);
    }

    /**
     * Watches what {@code events} reports; output the events miss is looked for in the apps' log
     * files under {@code pm2Home} (null: none).
     */
    ProcessWatch(ProcessEvents source, Path pm2Home) {
        this.pm2Home = pm2Home;
        this.subscription = source.listen(new ProcessEvents.Listener() {
            @Override
            public void event(ProcessEvent event) {
                synchronized (lock) {
                    events.computeIfAbsent(event.name(), n -> new ArrayList<>()).add(event);
                    if (event.event().equals("online") && problemLocked(event.name()).isPresent()) {
                        // PM2 restarted the app that ended: what the new process prints is not why it ended.
                        Optional.ofNullable(outputs.get(event.name())).ifPresent(o -> o.restarted(event.at()));
                    }
                    lock.notifyAll();
                }
            }

            @Override
            public void output(String app, OutputLine.Stream stream, Instant at, String data) {
                AppOutput output = outputs.get(app);
                if (output != null) {
                    output.received(stream, at, data);
                }
            }

            @Override
            public void closed(String why) {
                synchronized (lock) {
                    daemonGone = why;
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
        Map<OutputLine.Stream, Path> logs = new EnumMap<>(OutputLine.Stream.class);
        if (pm2Home != null) {
            logs.put(OutputLine.Stream.OUT, AppConfig.logFile(pm2Home, name, OutputLine.Stream.OUT));
            logs.put(OutputLine.Stream.ERR, AppConfig.logFile(pm2Home, name, OutputLine.Stream.ERR));
        }
        outputs.put(name, new AppOutput(lines, secrets, Instant.now(), logs));
    }

    /**
     * The last lines {@code name} printed since {@link #keepOutput}, oldest first, secrets masked;
     * lines the events missed come from its PM2 log files. Empty when its output is not kept. When
     * the watched start has ended, first waits for its output to settle (at most
     * {@value #SETTLE_MAX_MS} ms): PM2 may publish the last lines just after the exit.
     */
    public List<OutputLine> output(String name) {
        AppOutput output = outputs.get(name);
        if (output == null) {
            return List.of();
        }
        if (problem(name).isPresent()) {
            output.settle(SETTLE_QUIET, Duration.ofMillis(SETTLE_MAX_MS));
        }
        return output.lines();
    }

    /**
     * Why the watched start of {@code name} is no longer fit to run, or empty: it exited (PM2 may
     * be restarting it, which still means it crashed), PM2 gave up on it, someone stopped or
     * deleted it, or the daemon went away.
     */
    public Optional<String> problem(String name) {
        synchronized (lock) {
            return problemLocked(name);
        }
    }

    private Optional<String> problemLocked(String name) {
        Set<String> ids = watched.get(name);
        if (ids != null) {
            for (ProcessEvent event : events.getOrDefault(name, List.of())) {
                if (event.uniqueId() != null && ids.contains(event.uniqueId()) && event.ended()) {
                    return Optional.of(describe(event));
                }
            }
        }
        if (daemonGone != null) {
            return Optional.of("lost its PM2 daemon: " + daemonGone);
        }
        return Optional.empty();
    }

    /**
     * Waits until {@link #problem(String)} has something to say or {@code max} has passed.
     *
     * @return the problem, or empty when {@code max} passed without one
     */
    public Optional<String> awaitProblem(String name, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        synchronized (lock) {
            while (true) {
                Optional<String> problem = problemLocked(name);
                long left = deadline - System.nanoTime();
                if (problem.isPresent() || left <= 0) {
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
            while (daemonGone == null && events.getOrDefault(name, List.of()).size() == seen) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return;
                }
                java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
        }
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
