package io.titan.deploy.validate;

import io.titan.deploy.health.Durations;
import io.titan.deploy.health.Aborts;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;

/**
 * Answers one question for a release gate: is this deployment working right now? Runs every check
 * of a {@link ValidationSpec} at once, each on its own daemon thread with its own timeout, and
 * returns within the overall bound even when everything it talks to hangs: checks still running at
 * the bound are reported as timed out, their sockets closed and their threads interrupted, and are
 * never waited for.
 *
 * <p>Holds one OkHttp client for the WebSocket checks; {@link #close()} releases its threads and
 * connections. Runs may follow each other on one instance; they should not overlap, because each
 * exchange must see at most one connection at a time.
 */
public final class DeploymentValidator implements AutoCloseable {

    /**
     * Extra time a check gets beyond its own timeout to report what it saw before the validator
     * cuts it off; checks in this package honour their timeouts, foreign probes might not.
     */
    static final Duration GRACE = Duration.ofMillis(500);

    private final ValidationSpec spec;
    private final Pm2StatusSource pm2;
    private final ValidationListener listener;
    private final Map<String, String> env;
    private final Clock clock;
    private final List<String> secrets;
    private final ExecutorService okHttpExecutor;
    private final OkHttpClient okHttp;

    /**
     * A validator reading the Redis password fallback from the process environment.
     *
     * @param spec     what to check
     * @param pm2      status source for services without a health definition; {@link Pm2StatusSource#unavailable()}
     *                 when PM2 cannot be reached
     * @param listener progress callbacks; {@link ValidationListener#NONE} for none
     */
    public DeploymentValidator(ValidationSpec spec, Pm2StatusSource pm2, ValidationListener listener) {
        this(spec, pm2, listener, System.getenv());
    }

    /**
     * A validator with an explicit environment (for {@value RedisCheckSpec#PASSWORD_ENV}).
     *
     * @param env environment variables; copied
     */
    public DeploymentValidator(ValidationSpec spec, Pm2StatusSource pm2, ValidationListener listener,
            Map<String, String> env) {
        this(spec, pm2, listener, env, Clock.systemUTC());
    }

    /**
     * A validator that reads the time from {@code clock}: a PM2 process's uptime, which tells a
     * stable process from one restarted within the last minute.
     */
    DeploymentValidator(ValidationSpec spec, Pm2StatusSource pm2, ValidationListener listener,
            Map<String, String> env, Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock is required");
        this.spec = Objects.requireNonNull(spec, "spec is required");
        this.pm2 = Objects.requireNonNull(pm2, "pm2 is required (use Pm2StatusSource.unavailable())");
        this.listener = Objects.requireNonNull(listener, "listener is required (use ValidationListener.NONE)");
        this.env = Map.copyOf(Objects.requireNonNull(env, "env is required"));
        this.secrets = spec.redis().flatMap(r -> r.password(this.env)).map(List::of).orElse(List.of());
        // OkHttp's default dispatcher threads are not daemons and would keep the JVM alive after a run.
        this.okHttpExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 10, TimeUnit.SECONDS,
                new SynchronousQueue<>(), daemonThreads("titan-validate-okhttp-"));
        Duration ws = spec.timeouts().websocket();
        this.okHttp = new OkHttpClient.Builder()
                .dispatcher(new Dispatcher(okHttpExecutor))
                .connectTimeout(ws)
                .readTimeout(ws)
                .writeTimeout(ws)
                .retryOnConnectionFailure(false)
                .build();
    }

    /**
     * Runs every check: services, Redis (PING, pub/sub round trip, optional SET/GET/DEL) and exchange
     * WebSockets, bounded by {@link ValidationTimeouts#overall()}.
     */
    public ValidationResult validateDeployment() {
        ValidationTimeouts t = spec.timeouts();
        List<PlannedCheck> checks = new ArrayList<>();
        spec.services().forEach(s -> checks.add(ServiceCheck.plan(s, pm2, t.service(), clock)));
        spec.redis().ifPresent(r -> checks.add(RedisCheck.plan(r, env, t.redis(), false)));
        spec.exchanges().forEach(e -> checks.add(WebSocketCheck.plan(e, okHttp, t.websocket())));
        return run(checks, t.overall());
    }

    /**
     * The seed's quick health check: service checks and a Redis PING only, no WebSockets and no
     * pub/sub, bounded by {@link ValidationTimeouts#quickOverall()}.
     */
    public ValidationResult quickHealthCheck() {
        ValidationTimeouts t = spec.timeouts();
        Duration bound = t.quickOverall();
        List<PlannedCheck> checks = new ArrayList<>();
        spec.services().forEach(s -> checks.add(ServiceCheck.plan(s, pm2, min(t.service(), bound), clock)));
        spec.redis().ifPresent(r -> checks.add(RedisCheck.plan(r, env, min(t.redis(), bound), true)));
        return run(checks, bound);
    }

    /** Stops the WebSocket client's threads and drops its pooled connections. */
    @Override
    public void close() {
        okHttp.dispatcher().cancelAll();
        okHttpExecutor.shutdownNow();
        okHttp.connectionPool().evictAll();
    }

    private ValidationResult run(List<PlannedCheck> checks, Duration bound) {
        long start = System.nanoTime();
        long overallDeadline = start + bound.toNanos();
        listener.started(checks.stream().map(PlannedCheck::name).toList());
        Map<PlannedCheck, CheckResult> results = new HashMap<>();
        if (!checks.isEmpty()) {
            ExecutorService pool = Executors.newFixedThreadPool(checks.size(), daemonThreads("titan-validate-check-"));
            try {
                runAll(checks, pool, start, overallDeadline, bound, results);
            } finally {
                // Threads still inside a check were already aborted; shutdownNow only interrupts.
                pool.shutdownNow();
            }
        }
        List<CheckResult> ordered = checks.stream().map(results::get).toList();
        ValidationResult result = ValidationResult.of(Duration.ofNanos(System.nanoTime() - start), ordered);
        listener.completed(result);
        return result;
    }

    private void runAll(List<PlannedCheck> checks, ExecutorService pool, long start, long overallDeadline,
            Duration bound, Map<PlannedCheck, CheckResult> results) {
        CompletionService<CheckResult> completion = new ExecutorCompletionService<>(pool);
        Map<Future<CheckResult>, Running> running = new LinkedHashMap<>();
        for (PlannedCheck check : checks) {
            Aborts aborts = new Aborts();
            running.put(completion.submit(() -> runOne(check, aborts)), new Running(check, aborts));
        }
        while (!running.isEmpty()) {
            long next = overallDeadline;
            for (Running r : running.values()) {
                next = Math.min(next, start + r.check.timeout().plus(GRACE).toNanos());
            }
            Future<CheckResult> done;
            try {
                done = completion.poll(Math.max(0, next - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                timeOut(running, r -> "interrupted before it finished", start, results);
                return;
            }
            if (done != null) {
                Running finished = running.remove(done);
                if (finished != null) {
                    record(finished.check, outcomeOf(done, finished.check, start), results);
                }
                continue;
            }
            long now = System.nanoTime();
            if (now - overallDeadline >= 0) {
                timeOut(running, r -> "timed out after the " + Durations.format(bound) + " validation bound", start, results);
                return;
            }
            Map<Future<CheckResult>, Running> expired = new LinkedHashMap<>();
            running.forEach((future, r) -> {
                if (now - (start + r.check.timeout().plus(GRACE).toNanos()) >= 0) {
                    expired.put(future, r);
                }
            });
            expired.keySet().forEach(running::remove);
            timeOut(expired, r -> "timed out after " + Durations.format(r.check.timeout()), start, results);
        }
    }

    private CheckResult runOne(PlannedCheck check, Aborts aborts) {
        long began = System.nanoTime();
        PlannedCheck.Outcome outcome;
        try {
            outcome = check.body().run(aborts);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = PlannedCheck.Outcome.failed("interrupted");
        } catch (Exception e) {
            outcome = PlannedCheck.Outcome.failed("check failed: " + Texts.describe(e, secrets));
        }
        return check.result(scrubbed(outcome), Duration.ofNanos(System.nanoTime() - began));
    }

    private CheckResult outcomeOf(Future<CheckResult> done, PlannedCheck check, long start) {
        try {
            return done.get();
        } catch (ExecutionException e) {
            // runOne catches Exceptions; an Error (say, a missing class) still deserves a report line.
            return check.failed("check failed: " + Texts.describe(e.getCause(), secrets), since(start));
        } catch (CancellationException | InterruptedException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            return check.failed("cancelled", since(start));
        }
    }

    private void timeOut(Map<Future<CheckResult>, Running> which, java.util.function.Function<Running, String> why,
            long start, Map<PlannedCheck, CheckResult> results) {
        // Abort everything first, then report: closing sockets is quick, listeners might not be.
        which.forEach((future, r) -> {
            r.aborts.abortAll();
            future.cancel(true);
        });
        Duration elapsed = since(start);
        which.values().forEach(r -> record(r.check, r.check.failed(why.apply(r), elapsed), results));
        which.clear();
    }

    private void record(PlannedCheck check, CheckResult result, Map<PlannedCheck, CheckResult> results) {
        results.put(check, result);
        listener.checkCompleted(result);
    }

    private PlannedCheck.Outcome scrubbed(PlannedCheck.Outcome outcome) {
        // Last line of defence: no message leaves this class with the Redis password in it.
        return new PlannedCheck.Outcome(outcome.success(), outcome.skipped(), Texts.scrub(outcome.message(), secrets));
    }

    private static Duration since(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** A submitted check and what to close to stop it. */
    private record Running(PlannedCheck check, Aborts aborts) {
    }
}
