package io.titan.jenkins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which files a step's Ant pattern takes, as Jenkins finds them: {@code stash}, {@code archiveArtifacts}
 * and {@code publishHTML} hand their {@code includes} to Jenkins core's {@code Util.createFileSet},
 * which splits them at commas (trimming each) into the includes of an Ant {@code FileSet}; Ant's
 * {@code DirectoryScanner} then matches each file's path relative to the base folder
 * ({@code SelectorUtils.matchPath}): segment by segment, {@code *} and {@code ?} within a segment,
 * {@code **} for any number of segments, a trailing {@code /} meaning {@code /**}. No path is
 * normalized, so {@code ./titan.yaml} matches nothing: no file's relative path starts with a
 * {@code .} segment. Ant's default excludes (VCS folders, editor backups) apply unless turned off.
 */
final class AntPatterns {

    /** Ant's {@code DirectoryScanner.getDefaultExcludes()}. */
    static final List<String> DEFAULT_EXCLUDES = List.of("**/*~", "**/#*#", "**/.#*", "**/%*%", "**/._*",
            "**/CVS", "**/CVS/**", "**/.cvsignore", "**/SCCS", "**/SCCS/**", "**/vssver.scc", "**/.svn",
            "**/.svn/**", "**/.DS_Store", "**/.git", "**/.git/**", "**/.gitattributes", "**/.gitignore",
            "**/.gitmodules", "**/.hg", "**/.hg/**", "**/.hgignore", "**/.hgsub", "**/.hgsubstate", "**/.hgtags",
            "**/.bzr", "**/.bzr/**", "**/.bzrignore");

    private AntPatterns() {
    }

    /**
     * The files under {@code base} (paths relative to it, {@code /}-separated, sorted) that one of
     * {@code includes} matches and none of {@code excludes} (both comma-separated, either may be null).
     */
    static List<String> scan(Path base, String includes, String excludes, boolean defaultExcludes) {
        List<String> include = split(includes == null ? "**" : includes);
        List<String> exclude = new ArrayList<>(split(excludes));
        if (defaultExcludes) {
            exclude.addAll(DEFAULT_EXCLUDES);
        }
        if (!Files.isDirectory(base)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(Files::isRegularFile)
                    .map(f -> base.relativize(f).toString().replace('\\', '/'))
                    .filter(rel -> include.stream().anyMatch(p -> matches(p, rel))
                            && exclude.stream().noneMatch(p -> matches(p, rel)))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code Util.createFileSet}'s split: at commas, each pattern trimmed, empty ones dropped. */
    static List<String> split(String patterns) {
        if (patterns == null) {
            return List.of();
        }
        return Arrays.stream(patterns.split(",")).map(String::trim).filter(p -> !p.isEmpty()).toList();
    }

    /** Whether Ant pattern {@code pattern} matches the relative path {@code path}. */
    static boolean matches(String pattern, String path) {
        String p = pattern.replace('\\', '/');
        if (p.endsWith("/")) {
            p = p + "**";
        }
        if (p.startsWith("/") != path.startsWith("/")) {
            return false;
        }
        return matchSegments(tokens(p), 0, tokens(path), 0);
    }

    private static List<String> tokens(String path) {
        return Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList();
    }

    private static boolean matchSegments(List<String> pattern, int pi, List<String> path, int si) {
        if (pi == pattern.size()) {
            return si == path.size();
        }
        String segment = pattern.get(pi);
        if (segment.equals("**")) {
            for (int skip = si; skip <= path.size(); skip++) {
                if (matchSegments(pattern, pi + 1, path, skip)) {
                    return true;
                }
            }
            return false;
        }
        return si < path.size() && matchName(segment, 0, path.get(si), 0)
                && matchSegments(pattern, pi + 1, path, si + 1);
    }

    /** One segment: {@code *} any run of characters, {@code ?} one character, anything else itself. */
    private static boolean matchName(String pattern, int pi, String name, int ni) {
        if (pi == pattern.length()) {
            return ni == name.length();
        }
        char c = pattern.charAt(pi);
        if (c == '*') {
            for (int skip = ni; skip <= name.length(); skip++) {
                if (matchName(pattern, pi + 1, name, skip)) {
                    return true;
                }
            }
            return false;
        }
        return ni < name.length() && (c == '?' || c == name.charAt(ni)) && matchName(pattern, pi + 1, name, ni + 1);
    }
}
