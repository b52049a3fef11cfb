package io.titan.jenkins;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a file step's path leads, as Jenkins core's {@code hudson.FilePath} resolves it: every file
 * step ({@code fileExists}, {@code readFile}, {@code writeFile}, {@code dir}, ...) calls
 * {@code FilePath.child(rel)}, whose constructor joins the path to the step's directory and
 * normalizes the result ({@code FilePath.normalize}). Unlike {@link Path#resolve}, that removes a
 * {@code .} segment together with the separator before it (so {@code titan.yaml/.} is
 * {@code titan.yaml}), removes a {@code ..} segment together with the segment before it, and drops
 * repeated and trailing separators. Unix agents only ({@code /} and {@code \} both separate).
 */
final class FilePaths {

    private FilePaths() {
    }

    /** {@code FilePath.child(rel)} of {@code base}: an absolute {@code rel} as it is, else joined; normalized. */
    static Path child(Path base, String rel) {
        String joined = rel.startsWith("/") ? rel : base.toString() + '/' + rel.replace('\\', '/');
        return Path.of(normalize(joined));
    }

    /**
     * {@code FilePath.normalize}: the path as a list of segments and the separators between them; a
     * {@code .} goes with its neighbouring separator, a {@code ..} with the segment before it and the
     * separators around it; a leading {@code ..} of a relative path stays, of an absolute one goes.
     */
    static String normalize(String path) {
        StringBuilder prefix = new StringBuilder();
        String rest = path;
        if (rest.startsWith("/") || rest.startsWith("\\")) {
            prefix.append(rest.charAt(0));
            rest = rest.substring(1);
        }
        boolean absolute = prefix.length() > 0;
        List<String> tokens = tokens(rest);
        int i = 0;
        while (i < tokens.size()) {
            String token = tokens.get(i);
            if (token.equals(".")) {
                tokens.remove(i);
                if (!tokens.isEmpty()) {
                    tokens.remove(i > 0 ? i - 1 : i);
                }
            } else if (token.equals("..")) {
                if (i == 0) {
                    // Nothing before it: an absolute path loses it, a relative one keeps it as its start.
                    tokens.remove(0);
                    String kept = token + (tokens.isEmpty() ? "" : tokens.remove(0));
                    if (!absolute) {
                        prefix.append(kept);
                    }
                } else {
                    // "segment / .." and a separator next to them go.
                    i -= 2;
                    for (int n = 0; n < 3; n++) {
                        tokens.remove(i);
                    }
                    if (i > 0) {
                        tokens.remove(i - 1);
                    } else if (!tokens.isEmpty()) {
                        tokens.remove(0);
                    }
                }
            } else {
                i += 2;
            }
        }
        tokens.forEach(prefix::append);
        return prefix.length() == 0 ? "." : prefix.toString();
    }

    /** Segments and single separators, alternating; repeated separators count once, a trailing one not at all. */
    private static List<String> tokens(String path) {
        List<String> tokens = new ArrayList<>();
        int start = 0;
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '/' || c == '\\') {
                tokens.add(path.substring(start, i));
                int separator = i;
                while (i < path.length() && (path.charAt(i) == '/' || path.charAt(i) == '\\')) {
                    i++;
                }
                if (i < path.length()) {
                    tokens.add(path.substring(separator, separator + 1));
                }
                start = i;
            } else {
                i++;
            }
        }
        if (start < path.length()) {
            tokens.add(path.substring(start));
        }
        return tokens;
    }
}
