package io.titan.deploy.cli;

import io.titan.deploy.testing.Integration;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/titan-deploy} with the class-data archive {@code mvn package} makes beside the jar, and
 * with archives that must not be used. Jenkins parses the CLI's stdout, so whatever the archive, a
 * caller sees the same bytes on stdout, nothing on stderr and exit 0: with the archive, without
 * one, and with one that is corrupt, made for another jar or by another JDK, or older than the jar.
 * Needs the packaged jar and archive, so failsafe runs it after {@code package}.
 *
 * <p>A run with {@code -Xshare:on} (the JVM must map the archive or refuse to start) shows each bad
 * archive really reached the JVM and was rejected, rather than being skipped by the launcher.
 */
@Integration
class LauncherCdsIT {

    private static final Path PROJECT = Sandbox.PROJECT;
    private static final Path LAUNCHER = PROJECT.resolve("bin/titan-deploy");
    private static final Path BUILT_JAR = PROJECT.resolve("target/titan-deploy.jar");
    private static final Path BUILT_ARCHIVE = PROJECT.resolve("target/titan-deploy.jsa");
    private static final Path CLASS_LIST = PROJECT.resolve("target/cds/titan-deploy.classlist");
    private static final List<String> PLAN = List.of("plan", "--root",
            PROJECT.resolve("examples/stand-in-root").toString(), "--json");
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** A copy of the jar with an archive of its own, dumped as the build does; never changed. */
    @TempDir
    static Path copy;
    /** The plan as printed by the copy without an archive beside it (the missing-archive case). */
    private static Run reference;

    private record Run(int exitCode, byte[] out, byte[] err) {
        String stderr() {
            return new String(err, StandardCharsets.UTF_8);
        }

        /** Both streams, for failure messages: a JVM crash report goes to stdout. */
        String output() {
            return "stdout:\n" + new String(out, StandardCharsets.UTF_8) + "\nstderr:\n" + stderr();
        }
    }

    @BeforeAll
    static void copyTheJarAndMakeItAnArchive() throws Exception {
        assertThat(BUILT_JAR).as("run after mvn package").isRegularFile();
        assertThat(BUILT_ARCHIVE).as("mvn package makes the archive beside the jar").isRegularFile();
        dumpArchive(copyJar(copy), copy.resolve("good.jsa"));
        reference = launch(copy.resolve("titan-deploy.jar"), Map.of());
        assertThat(reference.exitCode()).as(reference.output()).isZero();
        assertThat(reference.err()).isEmpty();
        assertThat(new String(reference.out(), StandardCharsets.UTF_8)).startsWith("{\"levels\":[[\"titan-shared\"]");

        // The control for the archives below, which all sit beside this copy: unharmed, it is mapped.
        offerBesideTheCopy(Files.readAllBytes(copy.resolve("good.jsa")));
        assertSameAsWithoutArchive(launch(copy.resolve("titan-deploy.jar"), Map.of("TITAN_JAVA_OPTS", "-Xshare:on")));
    }

    @Test
    void theBuildsArchiveServesEveryClassThePlanLoadsFromTheJar(@TempDir Path dir) throws Exception {
        assertSameAsWithoutArchive(launch(BUILT_JAR, Map.of()));

        Path classLog = dir.resolve("class-load.log");
        Run logged = launch(BUILT_JAR, Map.of("TITAN_JAVA_OPTS", "-Xshare:on -Xlog:class+load:file=" + classLog));
        assertSameAsWithoutArchive(logged);
        List<String> loads = Files.readAllLines(classLog);
        assertThat(loads).anyMatch(line -> line.contains("source: shared objects file"));
        // A class read from the jar (source: file:...) is one the archive missed, e.g. picocli's
        // CommandLine after a lambda on a picocli type made the dump skip it.
        assertThat(loads).noneMatch(line -> line.contains("source: file:"));
    }

    @Test
    void aCorruptArchiveIsIgnoredWithoutAWord() throws Exception {
        byte[] good = Files.readAllBytes(copy.resolve("good.jsa"));
        byte[] flipped = good.clone();
        for (int i = 4096; i < flipped.length; i += 65_536) {
            flipped[i] ^= 0x5a;
        }
        Map<String, byte[]> corrupt = Map.of(
                "not an archive", "titan-deploy.jsa was here\n".repeat(400).getBytes(StandardCharsets.UTF_8),
                "empty", new byte[0],
                "truncated to half", Arrays.copyOf(good, good.length / 2),
                "bytes flipped", flipped);
        for (Map.Entry<String, byte[]> archive : corrupt.entrySet()) {
            offerBesideTheCopy(archive.getValue());

            assertIgnoredWithoutAWord(archive.getKey());
        }
    }

    @Test
    void anArchiveOfTheJarAtAnotherPathIsIgnoredWithoutAWord() throws Exception {
        offerBesideTheCopy(Files.readAllBytes(BUILT_ARCHIVE));

        assertIgnoredWithoutAWord("the build's archive beside a copy of its jar");
    }

    @Test
    void anArchiveOfAnotherJarAtTheSamePathIsIgnoredWithoutAWord(@TempDir Path dir) throws Exception {
        Path jar = copyJar(dir);
        Path archive = dumpArchive(jar, dir.resolve("titan-deploy.jsa"));
        Path extra = Files.writeString(dir.resolve("extra.txt"), "a jar rebuilt with one more file\n");
        int updated = ToolProvider.findFirst("jar").orElseThrow()
                .run(System.out, System.err, "--update", "--file", jar.toString(), "-C", dir.toString(), "extra.txt");
        assertThat(updated).as("jar --update").isZero();
        Files.delete(extra);
        Files.setLastModifiedTime(archive, FileTime.from(Files.getLastModifiedTime(jar).toInstant().plusSeconds(60)));

        assertIgnoredWithoutAWord(jar, "an archive of the jar before it was rebuilt, touched to look newer");
    }

    @Test
    void anArchiveOfAnotherJdkIsIgnoredWithoutAWord() throws Exception {
        // The header names the JVM that wrote it, e.g. "OpenJDK 64-Bit Server VM (17.0.15+6-Debian-1deb12u1)";
        // another build of the JDK differs exactly there.
        byte[] archive = Files.readAllBytes(copy.resolve("good.jsa"));
        byte[] version = System.getProperty("java.vm.version").getBytes(StandardCharsets.US_ASCII);
        int at = indexOf(archive, version);
        assertThat(at).as("the archive header names this JVM").isPositive();
        Arrays.fill(archive, at, at + version.length, (byte) 'x');
        offerBesideTheCopy(archive);

        assertIgnoredWithoutAWord("an archive naming another JVM");
    }

    @Test
    void anArchiveOlderThanTheJarIsNotEvenOffered(@TempDir Path dir) throws Exception {
        Path jar = copyJar(dir);
        Path archive = dumpArchive(jar, dir.resolve("titan-deploy.jsa"));
        Files.setLastModifiedTime(jar, FileTime.from(Files.getLastModifiedTime(archive).toInstant().plusSeconds(1)));

        assertSameAsWithoutArchive(launch(jar, Map.of()));

        // Not offered, the JVM maps the JDK's own archive instead (where the JDK ships one), which
        // -Xshare:on accepts; offered, the JVM would refuse this stale one.
        assumeThat(Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa")).isRegularFile();
        assertSameAsWithoutArchive(launch(jar, Map.of("TITAN_JAVA_OPTS", "-Xshare:on")));
    }

    private static void assertIgnoredWithoutAWord(String archive) throws Exception {
        assertIgnoredWithoutAWord(copy.resolve("titan-deploy.jar"), archive);
    }

    private static void assertIgnoredWithoutAWord(Path jar, String archive) throws Exception {
        Run plain = launch(jar, Map.of());
        assertThat(plain.exitCode()).as(archive + ": " + plain.output()).isZero();
        assertThat(plain.err()).as(archive + ": stderr").isEmpty();
        assertThat(plain.out()).as(archive + ": stdout").isEqualTo(reference.out());

        Run required = launch(jar, Map.of("TITAN_JAVA_OPTS", "-Xshare:on"));
        assertThat(required.exitCode()).as(archive + " reaches the JVM, which refuses it when it must map it: "
                + required.stderr()).isNotZero();
    }

    private static void assertSameAsWithoutArchive(Run run) {
        assertThat(run.exitCode()).as(run.output()).isZero();
        assertThat(run.err()).as("stderr").isEmpty();
        assertThat(run.out()).as("stdout").isEqualTo(reference.out());
    }

    /**
     * Writes {@code archive} where the launcher looks for it beside the copy of the jar (the jar
     * {@code good.jsa} was made for), newer than the jar so that it is offered.
     */
    private static void offerBesideTheCopy(byte[] archive) throws IOException {
        Path jar = copy.resolve("titan-deploy.jar");
        Path file = copy.resolve("titan-deploy.jsa");
        Files.write(file, archive);
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(jar).toInstant().plusSeconds(60)));
    }

    private static Path copyJar(Path dir) throws IOException {
        return Files.copy(BUILT_JAR, dir.resolve("titan-deploy.jar"));
    }

    /** Dumps an archive for {@code jar} from the build's class list, as {@code mvn package} does. */
    private static Path dumpArchive(Path jar, Path archive) throws Exception {
        Path log = archive.resolveSibling(archive.getFileName() + ".log");
        Process dump = new ProcessBuilder("java", "-Xshare:dump", "-XX:SharedClassListFile=" + CLASS_LIST,
                "-XX:SharedArchiveFile=" + archive, "-cp", jar.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(dump.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)).as("dump finished").isTrue();
        assertThat(dump.exitValue()).as(Files.readString(log)).isZero();
        return archive;
    }

    /** Runs the launcher on {@code jar} as Jenkins would, with only {@code env} added. */
    private static Run launch(Path jar, Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
        command.addAll(PLAN);
        Path out = Files.createTempFile(copy, "launch-", ".out");
        Path err = Files.createTempFile(copy, "launch-", ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(PROJECT.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        // Options the JVM reports on stderr ("Picked up ...") would mask what the archive does.
        builder.environment().keySet().removeAll(List.of("TITAN_JAVA_OPTS", "JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS"));
        builder.environment().put("TITAN_DEPLOY_JAR", jar.toString());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("bin/titan-deploy did not finish within " + TIMEOUT);
        }
        return new Run(process.exitValue(), Files.readAllBytes(out), Files.readAllBytes(err));
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
