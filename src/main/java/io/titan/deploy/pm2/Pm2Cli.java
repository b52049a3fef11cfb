package io.titan.deploy.pm2;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Runs one pm2 command: an argument list (never a shell), a minimal environment with
 * {@code PM2_HOME}, stdin closed, a timeout.
 *
 * <p>The environment is minimal on purpose. PM2 copies the pm2 CLI's whole environment into every
 * app it starts and into {@code pm2 jlist}: run with the engine's own environment, a credential the
 * Jenkins agent holds for one service would reach every service. Apps get exactly their
 * {@link Pm2App#env()} plus {@link #INHERITED_ENV}.
 */
final class Pm2Cli {

    /** The only variables passed from the engine's environment to pm2 (and so to the apps). */
    static final List<String> INHERITED_ENV = List.of("PATH", "HOME", "LANG", "LC_ALL", "TZ", "TMPDIR");
    /** Also passed to {@code pm2 install}, which runs npm: proxy and CA settings to reach the registry. */
    static final List<String> NETWORK_ENV = List.of("NODE_EXTRA_CA_CERTS", "HTTP_PROXY", "HTTPS_PROXY",
            "NO_PROXY", "http_proxy", "https_proxy", "no_proxy", "npm_config_registry", "npm_config_cache");

    private static final int ERROR_TAIL_LINES = 20;
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;]*[A-Za-z]");
    private static final String PM2_ERROR = "[PM2][ERROR]";

    private final Path binary;
    private final Path pm2Home;
    private final Map<String, String> parentEnv;

    Pm2Cli(Path binary, Path pm2Home, Map<String, String> parentEnv) {
        this.binary = binary;
        this.pm2Home = pm2Home;
        this.parentEnv = Map.copyOf(parentEnv);
    }

    /** The variables of {@link #INHERITED_ENV} that {@code parentEnv} has. */
    static Map<String, String> minimalEnv(Map<String, String> parentEnv) {
        Map<String, String> env = new java.util.TreeMap<>();
        for (String key : INHERITED_ENV) {
            Optional.ofNullable(parentEnv.get(key)).ifPresent(value -> env.put(key, value));
        }
        return env;
    }

    /** Output of a pm2 call that succeeded. */
    record Result(String stdout, String stderr) {
    }

    /**
     * Runs {@code pm2 <args>} and returns its output, or throws {@link Pm2Exception} on a non-zero
     * exit, on {@code [PM2][ERROR]} output and on timeout.
     *
     * @param args     pm2 arguments
     * @param timeout  how long the call may take before it is killed
     * @param extraEnv extra environment variables (names of parent variables in {@link #NETWORK_ENV}
     *                 are taken from the parent, others as given)
     * @param secrets  values that must never appear in an exception message
     */
    Result run(List<String> args, Duration timeout, Map<String, String> extraEnv, Collection<String> secrets) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(args);
        List<String> shown = new ArrayList<>();
        shown.add("pm2");
        shown.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(pm2Home.toFile());
        Map<String, String> env = builder.environment();
        env.clear();
        env.putAll(minimalEnv(parentEnv));
        env.putAll(extraEnv);
        env.put("PM2_HOME", pm2Home.toString());

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new Pm2Exception(String.join(" ", shown) + " could not be started: " + e.getMessage(), e);
        }
        Pump out = new Pump(process.getInputStream());
        Pump err = new Pump(process.getErrorStream());
        try {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                killCli(process);
                throw Pm2Exception.commandFailed(shown, "did not finish within " + timeout.toSeconds()
                        + " s and was killed", tail(err.text(), secrets));
            }
        } catch (InterruptedException e) {
            killCli(process);
            Thread.currentThread().interrupt();
            throw new Pm2Exception(String.join(" ", shown) + " was interrupted", e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String stdout = out.text();
        String stderr = err.text();
        int exit = process.exitValue();
        if (exit != 0) {
            throw Pm2Exception.commandFailed(shown, "exited with " + exit, tail(stderr, secrets));
        }
        // PM2 has exited 0 after printing an error in some versions; never trust the exit code alone.
        List<String> errorLines = new ArrayList<>();
        for (String line : strip(stdout + "\n" + stderr).split("\n")) {
            if (line.contains(PM2_ERROR)) {
                errorLines.add(scrub(line, secrets));
            }
        }
        if (!errorLines.isEmpty()) {
            throw Pm2Exception.commandFailed(shown, "exited with 0 but reported an error", errorLines);
        }
        return new Result(stdout, stderr);
    }

    /** Removes terminal colour codes, which pm2 prints even into a pipe. */
    static String strip(String text) {
        return ANSI.matcher(text).replaceAll("").replace("\r", "");
    }

    static List<String> tail(String stderr, Collection<String> secrets) {
        List<String> lines = new ArrayList<>();
        for (String line : strip(stderr).split("\n")) {
            if (!line.isBlank()) {
                lines.add(scrub(line, secrets));
            }
        }
        return lines.subList(Math.max(0, lines.size() - ERROR_TAIL_LINES), lines.size());
    }

    static String scrub(String line, Collection<String> secrets) {
        String result = line;
        for (String secret : secrets) {
            if (secret != null && !secret.isEmpty()) {
                result = result.replace(secret, "****");
            }
        }
        return result;
    }

    /**
     * Kills the pm2 CLI and its helpers (npm during install) but not the PM2 daemon it may have
     * spawned, nor the apps under that daemon: a slow CLI call must not take the services down.
     */
    private void killCli(Process process) {
        long daemon = Pm2Manager.daemonPid(pm2Home);
        process.descendants()
                .filter(child -> child.pid() != daemon && !underDaemon(child, daemon))
                .forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static boolean underDaemon(ProcessHandle handle, long daemon) {
        for (Optional<ProcessHandle> parent = handle.parent(); parent.isPresent(); parent = parent.get().parent()) {
            if (parent.get().pid() == daemon) {
                return true;
            }
        }
        return false;
    }

    /** Drains a stream on its own thread so pm2 never blocks on a full pipe. */
    private static final class Pump {
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final Thread thread;

        Pump(InputStream in) {
            thread = new Thread(() -> {
                try (in) {
                    in.transferTo(buffer);
                } catch (IOException e) {
                    // The process was killed mid-read; what was read so far is all there is.
                }
            }, "pm2-output");
            thread.setDaemon(true);
            thread.start();
        }

        String text() {
            try {
                // Bounded: a grandchild that kept the pipe open must not hang the engine.
                thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
