package io.titan.deploy.bench;

import io.titan.deploy.change.CodeHasher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Issue 8's goal: fingerprinting a service folder of 10,000 files in well under a second on a warm
 * cache, once as plain files (content hash) and once as a git work tree (tree hash plus one
 * uncommitted change).
 */
final class FingerprintBench {

    static final int FILES = 10_000;

    private final Results results;

    FingerprintBench(Results results) {
        this.results = results;
    }

    void run() throws IOException, InterruptedException {
        Path folder = Files.createTempDirectory("titan-bench-fingerprint-");
        try {
            for (int i = 0; i < FILES; i++) {
                Path dir = folder.resolve(String.format("lib%03d", i / 100));
                Files.createDirectories(dir);
                Files.writeString(dir.resolve(String.format("m%05d.js", i)), ("module.exports = " + i + ";\n").repeat(20));
            }
            measure("content hash", folder);
            git(folder, "init", "-q");
            git(folder, "add", ".");
            git(folder, "-c", "user.email=bench@example.invalid", "-c", "user.name=bench", "commit", "-q", "-m", "bench");
            Files.writeString(folder.resolve("lib000/m00000.js"), "module.exports = 'changed';\n");
            measure("git tree + changes", folder);
        } finally {
            try (var walk = Files.walk(folder)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private void measure(String kind, Path folder) {
        // A new hasher each time: one remembers what it hashed (a run hashes each folder once), so
        // hashing again with the same one measures a map lookup. Warm: the files are in the OS cache
        // and the code is compiled.
        new CodeHasher().hash(folder);
        new CodeHasher().hash(folder);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            CodeHasher hasher = new CodeHasher();
            long start = System.nanoTime();
            hasher.hash(folder);
            ms.add((System.nanoTime() - start) / 1e6);
        }
        double median = Results.median(ms);
        results.target("8 fingerprint 10k files", kind + ", warm, median of 7", Results.round(median, 1), "ms",
                "< 1000", median < 1000);
        results.detail("fingerprint " + kind, Map.of("files", FILES, "medianMs", Results.round(median, 1)));
    }

    private static void git(Path dir, String... args) throws IOException, InterruptedException {
        // No automatic gc or maintenance: git runs them detached after a commit, and they would move
        // objects while the folder is timed or deleted.
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString(), "-c", "gc.auto=0",
                "-c", "maintenance.auto=false"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IOException("git " + String.join(" ", args) + " failed: " + new String(out));
        }
    }
}
