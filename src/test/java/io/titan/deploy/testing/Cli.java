package io.titan.deploy.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code titan-deploy} as its own process, as Jenkins does, from the test classpath (tests run
 * before the jar is packaged). Output goes to files so a killed process leaves what it printed.
 */
public final class Cli {

    private final Process process;
    private final Path stdout;
    private final Path stderr;

    private Cli(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    /** Starts the CLI with {@code args} in {@code dir}, with extra environment variables. */
    public static Cli start(Path dir, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-cp", System.getProperty("java.class.path"),
                "io.titan.deploy.cli.TitanDeployCli"));
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile(dir, "cli-", ".out");
            Path err = Files.createTempFile(dir, "cli-", ".err");
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile());
            builder.environment().put("TITAN_PROJECT_DIR", Sandbox.PROJECT.toString());
            builder.environment().putAll(env);
            return new Cli(builder.start(), out, err);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs the CLI to completion (at most {@code timeout}). */
    public static Cli run(Path dir, Map<String, String> env, Duration timeout, String... args) {
        Cli cli = start(dir, env, args);
        cli.waitFor(timeout);
        return cli;
    }

    public int waitFor(Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("titan-deploy did not finish within " + timeout + "; output:\n" + stdout()
                        + "\nstderr:\n" + stderr());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public int exitCode() {
        return process.exitValue();
    }

    public Process process() {
        return process;
    }

    /** SIGKILL: no shutdown hook, no rollback, as when an agent dies. */
    public void kill() {
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
    }

    /** SIGTERM: what a cancelled Jenkins build sends. */
    public void terminate() {
        process.destroy();
    }

    public String stdout() {
        return read(stdout);
    }

    public String stderr() {
        return read(stderr);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
