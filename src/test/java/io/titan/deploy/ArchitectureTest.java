package io.titan.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The engine's shape, as docs/architecture.md draws it, kept true by reading the sources. */
class ArchitectureTest {

    private static final Path MAIN = Path.of("src/main/java/io/titan/deploy");
    private static final Pattern IMPORT = Pattern.compile("^import io\\.titan\\.deploy\\.([a-z0-9]+)\\.", Pattern.MULTILINE);
    /** A class of another package named in code, imported or written out in full. */
    private static final Pattern REFERENCE = Pattern.compile("\\bio\\.titan\\.deploy\\.([a-z0-9]+)\\.[A-Z]");

    /**
     * The packages bottom up, as docs/architecture.md's table lists them: a package may use only
     * packages of lower layers, never one of its own layer or above.
     */
    private static final List<Set<String>> LAYERS = List.of(
            Set.of("graph", "event"),
            Set.of("config"),
            Set.of("pm2"),
            Set.of("health"),
            Set.of("change", "validate"),
            Set.of("release"),
            Set.of("rollback"),
            Set.of("deploy"),
            Set.of("report"),
            Set.of("api"),
            Set.of("cli"));

    /**
     * What {@code api.TitanDeploy} puts together and the CLI therefore only calls: a command that built
     * one of these itself would be a second composition root, able to drift from the Java API's.
     */
    private static final Pattern ENGINE_INTERNAL = Pattern.compile("new (DeploymentOrchestrator|TitanDeploymentPipeline"
            + "|HostActions|Rollback|ReleaseJournal)\\(|\\b(Recovery|DependencyWalk)\\.|ChangeDetection\\.of\\(");

    @Test
    void noPackageImportsAPackageThatImportsItBack() throws IOException {
        Map<String, Set<String>> uses = new TreeMap<>();
        for (Path file : sources()) {
            String pkg = MAIN.relativize(file.getParent()).toString();
            if (pkg.isEmpty()) {
                continue;
            }
            Matcher m = IMPORT.matcher(Files.readString(file));
            while (m.find()) {
                if (!m.group(1).equals(pkg)) {
                    uses.computeIfAbsent(pkg, p -> new TreeSet<>()).add(m.group(1));
                }
            }
        }
        List<String> cycles = new ArrayList<>();
        for (String start : uses.keySet()) {
            findCycles(uses, List.of(start), cycles);
        }
        assertThat(cycles).as("package cycles (package -> what it imports)").isEmpty();
    }

    @Test
    void noPackageUsesOneOfItsOwnLayerOrAbove() throws IOException {
        Map<String, Integer> layerOf = new TreeMap<>();
        for (int i = 0; i < LAYERS.size(); i++) {
            for (String pkg : LAYERS.get(i)) {
                layerOf.put(pkg, i);
            }
        }
        List<String> upward = new ArrayList<>();
        for (Path file : sources()) {
            String pkg = MAIN.relativize(file.getParent()).toString();
            if (pkg.isEmpty()) {
                continue;
            }
            assertThat(layerOf).as("the layer of package " + pkg).containsKey(pkg);
            String code = Files.readString(file).replaceFirst("(?m)^package [^;]*;", "");
            Matcher m = REFERENCE.matcher(code);
            Set<String> used = new TreeSet<>();
            while (m.find()) {
                used.add(m.group(1));
            }
            for (String other : used) {
                if (!other.equals(pkg) && layerOf.getOrDefault(other, Integer.MAX_VALUE) >= layerOf.get(pkg)) {
                    upward.add(MAIN.relativize(file) + " (" + pkg + ") uses " + other);
                }
            }
        }
        assertThat(upward).as("uses of a package of the same layer or above").isEmpty();
    }

    @Test
    void theCliBuildsNoEnginePartThatTitanDeployProvides() throws IOException {
        List<String> built = new ArrayList<>();
        for (Path file : sources()) {
            if (!MAIN.relativize(file).startsWith("cli")) {
                continue;
            }
            Matcher m = ENGINE_INTERNAL.matcher(Files.readString(file));
            while (m.find()) {
                built.add(MAIN.relativize(file) + ": " + m.group());
            }
        }
        assertThat(built).as("engine parts built in cli/ instead of asked of TitanDeploy").isEmpty();
    }

    @Test
    void noMainSourceFileIsOver350Lines() throws IOException {
        List<String> tooLong = new ArrayList<>();
        for (Path file : sources()) {
            long lines = Files.readAllLines(file).size();
            if (lines > 350) {
                tooLong.add(MAIN.relativize(file) + " (" + lines + " lines)");
            }
        }
        assertThat(tooLong).isEmpty();
    }

    private static void findCycles(Map<String, Set<String>> uses, List<String> path, List<String> cycles) {
        for (String next : uses.getOrDefault(path.get(path.size() - 1), Set.of())) {
            if (next.equals(path.get(0))) {
                cycles.add(String.join(" -> ", path) + " -> " + next);
            } else if (!path.contains(next) && next.compareTo(path.get(0)) > 0) {
                List<String> longer = new ArrayList<>(path);
                longer.add(next);
                findCycles(uses, longer, cycles);
            }
        }
    }

    private static List<Path> sources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        }
    }
}
