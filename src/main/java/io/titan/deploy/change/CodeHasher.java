package io.titan.deploy.change;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * A content hash of the code in a service folder. In a git work tree that is the folder's tree hash
 * at HEAD plus the content of every uncommitted change (git already hashed the rest); elsewhere a
 * hash of every file's path and content. Dependencies and logs ({@code node_modules}, {@code logs},
 * {@code *.log}, {@code .git}) are left out: they change without the code changing.
 */
public final class CodeHasher {

    private static final Set<String> SKIPPED_FOLDERS = Set.of("node_modules", ".git", "logs", "log");

    /** The hash of {@code folder}'s code; {@code missing} when the folder does not exist. */
    public String hash(Path folder) {
        if (!Files.isDirectory(folder)) {
            return "missing";
        }
        String git = gitHash(folder);
        return git != null ? git : contentHash(folder);
    }

    /** Null when {@code folder} is not in a git work tree or git is not available. */
    private static String gitHash(Path folder) {
        List<String> head = git(folder, "rev-parse", "HEAD:./");
        if (head == null || head.size() != 1) {
            return null;
        }
        List<String> dirty = git(folder, "status", "--porcelain", "--untracked-files=all", "--", ".");
        if (dirty == null) {
            return null;
        }
        List<String> topLevel = git(folder, "rev-parse", "--show-toplevel");
        if (topLevel == null || topLevel.size() != 1) {
            return null;
        }
        MessageDigest digest = sha256();
        digest.update(("git " + head.get(0) + "\n").getBytes(StandardCharsets.UTF_8));
        Path top = Path.of(topLevel.get(0));
        for (String line : dirty.stream().sorted().toList()) {
            String path = line.substring(3).replaceFirst("^.* -> ", "");
            Path file = top.resolve(path);
            if (skipped(folder.relativize(file.toAbsolutePath().normalize()))) {
                continue;
            }
            digest.update((line + "\n").getBytes(StandardCharsets.UTF_8));
            if (Files.isRegularFile(file)) {
                try {
                    digest.update(Files.readAllBytes(file));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + file, e);
                }
            }
        }
        return "git:" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static List<String> git(Path folder, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", folder.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return null;
            }
            String text = new String(out, StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Every file's relative path and content, in path order; files hashed in parallel. */
    static String contentHash(Path folder) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return !dir.equals(folder) && SKIPPED_FOLDERS.contains(dir.getFileName().toString())
                            ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile() && !file.getFileName().toString().endsWith(".log")) {
                        files.add(file);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + folder, e);
        }
        List<String> entries = files.parallelStream()
                .map(f -> folder.relativize(f).toString().replace('\\', '/') + "\u0000" + fileHash(f))
                .sorted()
                .toList();
        MessageDigest digest = sha256();
        entries.forEach(e -> digest.update((e + "\n").getBytes(StandardCharsets.UTF_8)));
        return "files:" + HexFormat.of().formatHex(digest.digest()).substring(0, 16);
    }

    private static boolean skipped(Path relative) {
        for (Path part : relative) {
            if (SKIPPED_FOLDERS.contains(part.toString())) {
                return true;
            }
        }
        return relative.getFileName() != null && relative.getFileName().toString().endsWith(".log");
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
