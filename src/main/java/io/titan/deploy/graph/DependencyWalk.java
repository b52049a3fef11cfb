package io.titan.deploy.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The one traversal of a dependency graph that deploy, rollback and stop share: each service's
 * step runs once those it waits for have let it (dependencies first to start things,
 * {@link #inDependencyOrder}; dependents first to stop them, {@link #inReverseDependencyOrder}),
 * everything else at the same time, up to {@code parallelism} steps at once. Only edges between
 * services of the walked set count.
 *
 * <p>A step lets the services waiting for it go by calling its {@code release} (a deploy does so
 * once its service is healthy, before the soak); a step that returns without releasing holds them
 * back for good (its service failed). A walk asked to stop starts no new step. What never ran is
 * returned, so the caller can say why; a step's exception ends the walk once the running steps
 * are done, and is thrown then.
 */
public final class DependencyWalk {

    /** One service's work in a walk. */
    @FunctionalInterface
    public interface Step {
        /**
         * Does the work of {@code service}.
         *
         * @param release lets the services waiting for this one start; may be called at most once
         *                to matter, from any thread
         */
        void run(String service, Runnable release);
    }

    private DependencyWalk() {
    }

    /** Runs {@code action} on each service once all its dependencies in the set have finished. */
    public static void inDependencyOrder(Collection<String> services, DependencyGraph graph, Consumer<String> action) {
        walk(services, dependencies(graph), Integer.MAX_VALUE, () -> false, finishing(action));
    }

    /** Runs {@code action} on each service once all its dependents in the set have finished. */
    public static void inReverseDependencyOrder(Collection<String> services, DependencyGraph graph,
                                                Consumer<String> action) {
        walk(services, dependents(graph), Integer.MAX_VALUE, () -> false, finishing(action));
    }

    /** What {@code name} waits for when starting: its dependencies in {@code graph}, none when it is not there. */
    public static Function<String, Collection<String>> dependencies(DependencyGraph graph) {
        return name -> known(graph, name) ? graph.dependenciesOf(name) : Set.of();
    }

    /** What {@code name} waits for when stopping: its dependents in {@code graph}, none when it is not there. */
    public static Function<String, Collection<String>> dependents(DependencyGraph graph) {
        return name -> known(graph, name) ? graph.dependentsOf(name) : Set.of();
    }

    private static Step finishing(Consumer<String> action) {
        return (service, release) -> {
            try {
                action.accept(service);
            } finally {
                release.run();
            }
        };
    }

    private static boolean known(DependencyGraph graph, String name) {
        return graph != null && graph.services().contains(name);
    }

    /**
     * The walk itself.
     *
     * @param services    the services to walk, in the order ties are started in
     * @param waitsFor    what a service waits for (only those in {@code services} count)
     * @param parallelism how many steps may run at once (1: one after the other, in order)
     * @param stop        checked before each step starts; true starts no more steps
     * @return the services whose step never ran, in {@code services}' order
     */
    public static List<String> walk(Collection<String> services, Function<String, ? extends Collection<String>> waitsFor,
                                    int parallelism, BooleanSupplier stop, Step step) {
        Set<String> set = new LinkedHashSet<>(services);
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> waiters = new HashMap<>();
        for (String name : set) {
            int count = 0;
            for (String other : waitsFor.apply(name)) {
                if (set.contains(other) && !other.equals(name)) {
                    count++;
                    waiters.computeIfAbsent(other, o -> new ArrayList<>()).add(name);
                }
            }
            waiting.put(name, count);
        }
        if (set.isEmpty()) {
            return List.of();
        }
        ExecutorService pool = parallelism >= set.size() ? Executors.newCachedThreadPool(Walk::thread)
                : Executors.newFixedThreadPool(parallelism, Walk::thread);
        Walk walk = new Walk(pool, waiting, waiters, stop, step);
        try {
            walk.submitAll(set.stream().filter(name -> waiting.get(name) == 0).toList());
            walk.awaitQuiet();
        } finally {
            pool.shutdownNow();
        }
        if (walk.failure != null) {
            throw walk.failure;
        }
        return set.stream().filter(name -> !walk.started.contains(name)).toList();
    }

    /** The shared progress of one walk, guarded by its own lock. */
    private static final class Walk {
        private final ExecutorService pool;
        private final Map<String, Integer> waiting;
        private final Map<String, List<String>> waiters;
        private final BooleanSupplier stop;
        private final Step step;
        private final Set<String> started = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private final Set<String> released = java.util.concurrent.ConcurrentHashMap.newKeySet();
        private int running;
        private RuntimeException failure;

        Walk(ExecutorService pool, Map<String, Integer> waiting, Map<String, List<String>> waiters, BooleanSupplier stop,
             Step step) {
            this.pool = pool;
            this.waiting = waiting;
            this.waiters = waiters;
            this.stop = stop;
            this.step = step;
        }

        static Thread thread(Runnable runnable) {
            Thread thread = new Thread(runnable, "titan-walk");
            thread.setDaemon(true);
            return thread;
        }

        /** Queues the services; each starts on a free thread unless the walk was stopped by then. */
        synchronized void submitAll(List<String> names) {
            for (String name : names) {
                running++;
                pool.execute(() -> runStep(name));
            }
        }

        private void runStep(String name) {
            try {
                if (!stop.getAsBoolean()) {
                    started.add(name);
                    step.run(name, () -> release(name));
                }
            } catch (RuntimeException e) {
                // A step that throws holds its waiters back; the walk ends and passes it on.
                synchronized (this) {
                    failure = failure == null ? e : failure;
                }
            } finally {
                synchronized (this) {
                    running--;
                    notifyAll();
                }
            }
        }

        private void release(String name) {
            if (!released.add(name)) {
                return;
            }
            List<String> ready = new ArrayList<>();
            synchronized (this) {
                for (String next : waiters.getOrDefault(name, List.of())) {
                    if (waiting.merge(next, -1, Integer::sum) == 0) {
                        ready.add(next);
                    }
                }
            }
            submitAll(ready);
        }

        /** Waits until no step runs or is queued: everything reachable has run. */
        synchronized void awaitQuiet() {
            boolean interrupted = false;
            while (running > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    // Steps restore or start services: leaving them half way helps no one.
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
