package io.titan.deploy.change;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A content hash of a service's code: every file's path and content under its code paths.
 *
 * <p>Left out, because they change without the code changing: dependencies, logs and reports
 * ({@code node_modules}, {@code .git}, {@code logs}, {@code log}, {@code *.log},
 * {@code titan-reports}, {@code .titan}); the files and
 * folders this engine writes itself or reads its orders from ({@code excluded}: the topology file,
 * the state dir, PM2_HOME, report outputs), so that a topology kept beside the code does not make
 * every service look changed when one service's settings change; and the service's own
 * {@code ignore} globs. Files git ignores are hashed like any other: a build output such as
 * {@code dist/} is usually ignored by git and is exactly the code that runs.
 *
 * <p>One hasher serves one run: it remembers each code path's hash, so services that share a
 * folder hash it once. Thread-safe.
 */
public final class CodeHasher {

    /**
     * Folders that are never code: dependencies, git's own, logs, and the report folder of the
     * Jenkins steps and the state folder of {@code bin/demo}, which earlier runs filled.
     */
    private static final Set<String> SKIPPED_FOLDERS = Set.of("node_modules", ".git", "logs", "log", "titan-reports",
            ".titan");

    private final List<Path> excluded;
    private final Map<String, String> cache = new ConcurrentHashMap<>();

    /** A hasher that also leaves out the files and folders {@code excluded} (absolute or not). */
    public CodeHasher(Collection<Path> excluded) {
        this.excluded = excluded.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    /** A hasher with no exclusions beyond dependencies and logs. */
    public CodeHasher() {
        this(List.of());
    }

    /**
     * The hash of the code under {@code roots} (folders or single files), without what
     * {@code ignore} matches (globs relative to each root). {@code missing} stands for a root that
     * does not exist.
     */
    public String hash(List<Path> roots, List<String> ignore) {
        if (roots.size() == 1) {
            return hashRoot(roots.get(0), ignore);
        }
        MessageDigest digest = sha256();
        for (Path root : roots) {
            digest.update((root + "\u0000" + hashRoot(root, ignore) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return "files:" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    /** The hash of one folder's code, nothing ignored beyond the defaults. */
    public String hash(Path folder) {
        return hash(List.of(folder), List.of());
    }

    private String hashRoot(Path root, List<String> ignore) {
        Path absolute = root.toAbsolutePath().normalize();
        return cache.computeIfAbsent(absolute + "\u0000" + String.join("\u0000", ignore),
                key -> contentHash(absolute, ignore));
    }

    /** Every file's relative path and content, in path order; files hashed in parallel. */
    private String contentHash(Path root, List<String> ignore) {
        if (!Files.exists(root)) {
            return "missing";
        }
        List<PathMatcher> ignored = ignore.stream()
                .map(glob -> FileSystems.getDefault().getPathMatcher("glob:" + glob)).toList();
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    if (dir.equals(root)) {
                        return FileVisitResult.CONTINUE;
                    }
                    return SKIPPED_FOLDERS.contains(dir.getFileName().toString()) || excluded.contains(dir)
                            || matches(ignored, root.relativize(dir)) ? FileVisitResult.SKIP_SUBTREE
                            : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    Path relative = root.equals(file) ? file.getFileName() : root.relativize(file);
                    if (attrs.isRegularFile() && !file.getFileName().toString().endsWith(".log")
                            && !excluded.contains(file) && !matches(ignored, relative)) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root, e);
        }
        List<String> entries = files.parallelStream()
                .map(f -> (root.equals(f) ? f.getFileName() : root.relativize(f)).toString().replace('\\', '/')
                        + "\u0000" + fileHash(f))
                .sorted()
                .toList();
        MessageDigest digest = sha256();
        entries.forEach(e -> digest.update((e + "\n").getBytes(StandardCharsets.UTF_8)));
        return "files:" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static boolean matches(List<PathMatcher> globs, Path relative) {
        for (PathMatcher glob : globs) {
            if (glob.matches(relative)) {
                return true;
            }
        }
        return false;
    }

    private static String fileHash(Path file) {
        try {
            return HexFormat.of().formatHex(sha256().digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
