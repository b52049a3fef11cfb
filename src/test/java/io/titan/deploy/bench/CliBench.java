package io.titan.deploy.bench;

import io.titan.deploy.testing.Sandbox;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 6: {@code bin/titan-deploy plan --root examples/stand-in-root} as a whole process under
 * {@code /usr/bin/time -v}: wall time and peak RSS, as every Jenkins step pays them. The launcher
 * with the class-data archive {@code mvn package} puts beside the jar, and the same jar copied
 * where no archive is, run in turns so that both see the same load on a shared machine.
 */
final class CliBench {

    static final int RUNS = 10;
    private static final Pattern RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");

    private final Results results;
    private final Path work;

    CliBench(Results results, Path work) {
        this.results = results;
        this.work = work;
    }

    record Sample(double wallMs, long rssKb) {
    }

    void run() throws Exception {
        String scenario = "6 CLI start-up (plan)";
        Path launcher = Sandbox.PROJECT.resolve("bin/titan-deploy");
        List<String> plan = List.of(launcher.toString(), "plan", "--root", "examples/stand-in-root");
        Path jar = Sandbox.PROJECT.resolve("target/titan-deploy.jar");
        Path archive = Sandbox.PROJECT.resolve("target/titan-deploy.jsa");
        if (!Files.isRegularFile(archive)
                || Files.getLastModifiedTime(archive).compareTo(Files.getLastModifiedTime(jar)) < 0) {
            throw new IllegalStateException(archive + " is missing or older than the jar: run mvn package first");
        }
        Path bare = Files.createDirectories(work.resolve("no-archive")).resolve("titan-deploy.jar");
        Files.copy(jar, bare, StandardCopyOption.REPLACE_EXISTING);
        Map<String, String> withoutArchive = Map.of("TITAN_DEPLOY_JAR", bare.toString());
        List<String> floorCommand = List.of("java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xshare:auto",
                "-version");

        List<Sample> cds = new ArrayList<>();
        List<Sample> plain = new ArrayList<>();
        List<Sample> floor = new ArrayList<>();
        exec(plan, Map.of());
        exec(plan, withoutArchive);
        exec(floorCommand, Map.of());
        for (int i = 0; i < RUNS; i++) {
            cds.add(exec(plan, Map.of()));
            plain.add(exec(plan, withoutArchive));
            floor.add(exec(floorCommand, Map.of()));
        }
        double cdsMs = medianWall(cds);
        double plainMs = medianWall(plain);
        results.target(scenario, "bin/titan-deploy plan, median of " + RUNS, Results.round(cdsMs, 0), "ms", "<= 300",
                cdsMs <= 300);
        results.info(scenario, "peak RSS, median", medianRss(cds) / 1024, "MiB");
        results.info(scenario, "same jar without the archive, median", Results.round(plainMs, 0), "ms");
        results.info(scenario, "without the archive: peak RSS, median", medianRss(plain) / 1024, "MiB");
        results.info(scenario, "with / without the archive", Results.round(cdsMs / plainMs, 2), "x");
        // The floor: the same JVM flags printing its version, no application code.
        results.info(scenario, "floor: java -version, same flags", Results.round(medianWall(floor), 0), "ms");

        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("launcher", cds);
        detail.put("withoutArchive", plain);
        detail.put("javaVersionFloor", floor);
        results.detail("cli", detail);
    }

    private static double medianWall(List<Sample> samples) {
        return Results.median(samples.stream().map(Sample::wallMs).toList());
    }

    private static long medianRss(List<Sample> samples) {
        return (long) Results.median(samples.stream().map(s -> (double) s.rssKb()).toList());
    }

    private Sample exec(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path timeOut = work.resolve("time.txt");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-v", "-o", timeOut.toString()));
        timed.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(timed).directory(Sandbox.PROJECT.toFile())
                .redirectErrorStream(true).redirectOutput(work.resolve("cli.out").toFile());
        pb.environment().remove("TITAN_JAVA_OPTS");
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed: " + Files.readString(work.resolve("cli.out")));
        }
        double ms = (System.nanoTime() - start) / 1e6;
        Matcher m = RSS.matcher(Files.readString(timeOut));
        return new Sample(Results.round(ms, 1), m.find() ? Long.parseLong(m.group(1)) : -1);
    }
}
