package io.titan.deploy.bench;

import com.sun.net.httpserver.HttpServer;
import io.titan.deploy.validate.CheckResult;
import io.titan.deploy.validate.DeploymentValidator;
import io.titan.deploy.validate.Pm2StatusSource;
import io.titan.deploy.validate.ServiceCheckSpec;
import io.titan.deploy.validate.ValidationListener;
import io.titan.deploy.validate.ValidationResult;
import io.titan.deploy.validate.ValidationSpec;
import io.titan.deploy.validate.ValidationTimeouts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Scenario 4: {@link DeploymentValidator} against 100 loopback endpoints that answer (each after its
 * own seeded delay, as separate services would) and 100 that accept connections and never answer.
 */
final class ValidationBench {

    static final int ENDPOINTS = 100;
    static final Duration HANG_BOUND = Duration.ofSeconds(3);

    private final Results results;
    private final int repeats;

    ValidationBench(Results results, int repeats) {
        this.results = results;
        this.repeats = repeats;
    }

    void answering() throws Exception {
        String scenario = "4 validation 100 answering";
        Random random = new Random(7);
        List<HttpServer> servers = new ArrayList<>();
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "bench-endpoint");
            t.setDaemon(true);
            return t;
        });
        try {
            List<ServiceCheckSpec> checks = new ArrayList<>();
            ServiceCheckSpec slowest = null;
            int slowestDelay = -1;
            for (int i = 0; i < ENDPOINTS; i++) {
                int delay = 20 + random.nextInt(181);
                HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
                server.setExecutor(executor);
                server.createContext("/health", exchange -> {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    byte[] body = "{\"status\":\"ok\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    exchange.sendResponseHeaders(200, body.length);
                    exchange.getResponseBody().write(body);
                    exchange.close();
                });
                server.start();
                servers.add(server);
                ServiceCheckSpec spec = ServiceCheckSpec.http("svc-" + i,
                        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/health"));
                checks.add(spec);
                if (delay > slowestDelay) {
                    slowestDelay = delay;
                    slowest = spec;
                }
            }
            ValidationSpec all = spec(checks, ValidationTimeouts.DEFAULTS);
            ValidationSpec single = spec(List.of(slowest), ValidationTimeouts.DEFAULTS);
            // Warm-up: class loading and JIT, which both variants would otherwise pay unevenly.
            for (int i = 0; i < 3; i++) {
                run(single);
                run(all);
            }
            List<Double> singleMs = new ArrayList<>();
            List<Double> allMs = new ArrayList<>();
            List<Double> slowestInAll = new ArrayList<>();
            for (int i = 0; i < Math.max(5, repeats); i++) {
                singleMs.add(timed(single, null));
                allMs.add(timed(all, slowestInAll));
            }
            double s = Results.median(singleMs);
            double a = Results.median(allMs);
            results.info(scenario, "slowest endpoint alone (" + slowestDelay + " ms delay), median", Results.round(s, 1), "ms");
            results.info(scenario, "100 endpoints at once, median", Results.round(a, 1), "ms");
            results.info(scenario, "slowest check inside the 100 run, median", Results.round(Results.median(slowestInAll), 1), "ms");
            results.target(scenario, "100 at once / slowest alone", Results.round(a / s, 2), "x", "<= 1.5", a / s <= 1.5);
            results.detail("validation:answering", Map.of("singleMs", singleMs, "allMs", allMs,
                    "slowestCheckInAllMs", slowestInAll, "slowestDelayMs", slowestDelay));
        } finally {
            servers.forEach(server -> server.stop(0));
            executor.shutdownNow();
        }
    }

    void hanging() throws Exception {
        String scenario = "4 validation 100 hanging";
        List<Silent> silent = new ArrayList<>();
        try {
            List<ServiceCheckSpec> checks = new ArrayList<>();
            for (int i = 0; i < ENDPOINTS; i++) {
                Silent s = new Silent();
                silent.add(s);
                checks.add(ServiceCheckSpec.http("hung-" + i, URI.create("http://127.0.0.1:" + s.port() + "/health")));
            }
            ValidationSpec spec = spec(checks, ValidationTimeouts.DEFAULTS.withOverall(HANG_BOUND));
            List<Double> ms = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                ms.add(timed(spec, null));
            }
            double worst = ms.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
            results.info(scenario, "overall bound (service timeout 5 s)", HANG_BOUND.toMillis(), "ms");
            results.target(scenario, "wall, worst of " + ms.size(), Results.round(worst, 1), "ms",
                    "<= " + (HANG_BOUND.toMillis() + 1000), worst <= HANG_BOUND.toMillis() + 1000);
            results.info(scenario, "wall - bound", Results.round(worst - HANG_BOUND.toMillis(), 1), "ms");
            results.detail("validation:hanging", Map.of("wallMs", ms, "boundMs", HANG_BOUND.toMillis()));
        } finally {
            for (Silent s : silent) {
                s.close();
            }
        }
    }

    private static ValidationSpec spec(List<ServiceCheckSpec> checks, ValidationTimeouts timeouts) {
        return new ValidationSpec(checks, Optional.empty(), List.of(), timeouts);
    }

    private static ValidationResult run(ValidationSpec spec) {
        try (DeploymentValidator validator = new DeploymentValidator(spec, Pm2StatusSource.unavailable(),
                ValidationListener.NONE, Map.of())) {
            return validator.validateDeployment();
        }
    }

    /** Wall time of one validation run; adds the slowest check's own duration to {@code slowest}. */
    private static double timed(ValidationSpec spec, List<Double> slowest) {
        long start = System.nanoTime();
        ValidationResult result = run(spec);
        double ms = (System.nanoTime() - start) / 1e6;
        if (slowest != null) {
            slowest.add(result.checks().stream().map(CheckResult::duration).mapToDouble(d -> d.toNanos() / 1e6).max().orElse(0));
            if (!result.success()) {
                System.err.println("bench: validation of answering endpoints failed: " + result.failures());
            }
        }
        return Results.round(ms, 1);
    }

    /** A loopback port that accepts connections and never sends a byte. */
    private static final class Silent implements AutoCloseable {
        private final ServerSocket server;
        private final List<Socket> accepted = new CopyOnWriteArrayList<>();

        Silent() throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                try {
                    while (!server.isClosed()) {
                        accepted.add(server.accept());
                    }
                } catch (IOException closed) {
                    // close() ends the loop.
                }
            }, "bench-silent");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : accepted) {
                s.close();
            }
        }
    }
}
