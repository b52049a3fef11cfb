package io.titan.jenkins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The agents a test's builds run on: each with a name, labels, a number of executors and a
 * workspace root on this machine. {@code node(label)} takes an executor of the first agent with that
 * label or name (waiting while all are busy, as a build waits in the queue) and a workspace from the
 * agent's {@code WorkspaceList}: {@code <root>/workspace/<job>}, or {@code <job>@2}, {@code @3} ...
 * while another {@code node} block holds it ({@code WorkspaceList.allocate}, whose {@code COMBINATOR}
 * is {@code @}). An unknown label gets an agent of its own, {@code <label>-1}, with one executor.
 */
final class Agents {

    /** One agent. */
    static final class Agent {
        final String name;
        final Set<String> labels;
        final int executorCount;
        final Path root;
        /** The job workspace when it is a given folder (the test's own), else null: under {@link #root}. */
        final Path fixedWorkspace;
        private final Semaphore executors;
        private final Set<Path> inUse = new HashSet<>();
        /** Variables the agent's configuration gives every step on it (its node properties). */
        final java.util.Map<String, String> env = new java.util.concurrent.ConcurrentHashMap<>();

        Agent(String name, Set<String> labels, int executors, Path root, Path fixedWorkspace) {
            this.name = name;
            this.labels = labels;
            this.executorCount = executors;
            this.root = root;
            this.fixedWorkspace = fixedWorkspace;
            this.executors = new Semaphore(executors, true);
        }

        /** NODE_LABELS as Jenkins gives it: the node's name and its labels. */
        String nodeLabels() {
            Set<String> all = new LinkedHashSet<>();
            all.add(name);
            all.addAll(labels);
            return String.join(" ", all);
        }

        boolean has(String label) {
            return name.equals(label) || labels.contains(label);
        }

        /** Takes an executor; false when none came free within {@code millis}. */
        boolean takeExecutor(long millis) throws InterruptedException {
            return executors.tryAcquire(millis, TimeUnit.MILLISECONDS);
        }

        void giveExecutor() {
            executors.release();
        }

        /** {@code WorkspaceList.allocate(base)}: {@code base} when free, else the first free {@code base@n}. */
        synchronized Path allocate(Path base) {
            Path candidate = base;
            for (int n = 2; inUse.contains(candidate); n++) {
                candidate = base.resolveSibling(base.getFileName() + "@" + n);
            }
            inUse.add(candidate);
            try {
                Files.createDirectories(candidate);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return candidate;
        }

        synchronized void release(Path workspace) {
            inUse.remove(workspace);
        }

        /** Marks {@code workspace} held, as by the node block the build started with. */
        synchronized void hold(Path workspace) {
            inUse.add(workspace);
        }
    }

    private final Path root;
    private final List<Agent> agents = new ArrayList<>();

    Agents(Path root) {
        this.root = root;
    }

    /** Adds an agent; its workspaces go under a folder of its own. */
    synchronized Agent add(String name, int executors, String... labels) {
        return add(name, executors, null, labels);
    }

    /** Adds an agent whose job workspace is {@code workspace} (the test's own folder), or under its own root when null. */
    synchronized Agent add(String name, int executors, Path workspace, String... labels) {
        agents.removeIf(a -> a.name.equals(name));
        Agent agent = new Agent(name, new LinkedHashSet<>(List.of(labels)), executors, root.resolve(name), workspace);
        agents.add(agent);
        return agent;
    }

    Path root() {
        return root;
    }

    /** The first agent with {@code label} (or of that name); a new one with one executor when there is none. */
    synchronized Agent forLabel(String label) {
        for (Agent agent : agents) {
            if (agent.has(label)) {
                return agent;
            }
        }
        return add(label + "-1", 1, label);
    }

    /** The workspace a job gets on {@code agent} before {@code WorkspaceList} adds a suffix. */
    static Path jobWorkspace(Agent agent, String job) {
        if (agent.fixedWorkspace != null) {
            return agent.fixedWorkspace;
        }
        return agent.root.resolve("workspace").resolve(job == null ? "job" : job.replace('/', '_'));
    }
}
