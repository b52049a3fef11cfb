package io.titan.deploy.report;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Headless Debian Chromium for rendering tests: screenshots and the DOM after parsing.
 *
 * <p>On a developer machine without Chromium the tests are skipped; on CI (env {@code CI} set)
 * a missing Chromium fails them, because CI installs it and a silent skip would hide a broken image.
 */
final class Chromium {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser",
            "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable");

    private final Path binary;

    private Chromium(Path binary) {
        this.binary = binary;
    }

    /**
     * The Chromium on this machine: env {@code CHROMIUM} when set (and then only that, so a wrong
     * setting is noticed rather than silently replaced), else the usual Debian paths.
     */
    static Optional<Chromium> find() {
        String configured = System.getenv("CHROMIUM");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Paths.get(configured)).filter(Files::isExecutable).map(Chromium::new);
        }
        return CANDIDATES.stream().map(Paths::get).filter(Files::isExecutable).findFirst().map(Chromium::new);
    }

    /** Chromium, or skip the calling test (fail it when {@code CI} is set). */
    static Chromium require() {
        Optional<Chromium> chromium = find();
        String ci = System.getenv("CI");
        if (chromium.isEmpty()) {
            if (ci != null && !ci.isBlank() && !ci.equalsIgnoreCase("false")) {
                fail("Chromium is required on CI (CI=" + ci + ") but none was found at " + CANDIDATES
                        + " or $CHROMIUM; install it with: apt-get install -y chromium");
            }
            assumeTrue(false, "Chromium not installed (apt-get install -y chromium); skipping rendering test");
        }
        return chromium.get();
    }

    /** Screenshots {@code html} into {@code png} at {@code width} x {@code height} CSS pixels. */
    void screenshot(Path html, Path png, int width, int height) {
        screenshot(html.toUri(), png, width, height);
    }

    /** Screenshots the page at {@code url} (a file or an HTTP URL) into {@code png}. */
    void screenshot(URI url, Path png, int width, int height) {
        run(List.of("--window-size=" + width + "," + height, "--hide-scrollbars",
                "--screenshot=" + png.toAbsolutePath(), url.toString()));
        if (!Files.isRegularFile(png)) {
            throw new AssertionError("Chromium exited without writing " + png);
        }
    }

    /** The DOM Chromium built from {@code html}, serialised back to HTML. */
    String dumpDom(Path html) {
        return dumpDom(html.toUri());
    }

    /** The DOM Chromium built from the page at {@code url}, serialised back to HTML. */
    String dumpDom(URI url) {
        return run(List.of("--window-size=1280,900", "--dump-dom", url.toString()));
    }

    /** Runs Chromium with a throw-away profile; returns stdout; kills it (and its children) after 30 s. */
    private String run(List<String> arguments) {
        Path profile = null;
        Process process = null;
        try {
            profile = Files.createTempDirectory("titan-chromium-");
            Path stdout = profile.resolve("stdout.txt");
            Path stderr = profile.resolve("stderr.txt");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox",
                    "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                    "--user-data-dir=" + profile.resolve("profile")));
            command.addAll(arguments);
            process = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("Chromium did not finish within " + TIMEOUT.toSeconds() + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new AssertionError("Chromium exited " + process.exitValue() + ": " + tail(stderr));
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for Chromium", e);
        } finally {
            if (process != null) {
                // Chromium forks renderer and GPU helpers; they outlive a killed parent otherwise.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            deleteRecursively(profile);
        }
    }

    private static String tail(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        return text.length() <= 2_000 ? text : text.substring(text.length() - 2_000);
    }

    private static void deleteRecursively(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // A leftover temp profile is harmless; the test result is what matters.
        }
    }
}
