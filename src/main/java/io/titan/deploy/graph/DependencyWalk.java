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
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Runs an action on a set of services so that each one runs only after those it waits for have
 * finished, and all the others at once: dependencies first to start things
 * ({@link #inDependencyOrder}), dependents first to stop them ({@link #inReverseDependencyOrder}).
 * Only edges between services of the set count. The action's outcome does not hold anything up:
 * a walk that must stop at a failure is the caller's to write (the action can skip its work).
 */
public final class DependencyWalk {

    private DependencyWalk() {
    }

    /** Runs {@code action} on each service once all of its dependencies in the set have finished. */
    public static void inDependencyOrder(Collection<String> services, DependencyGraph graph, Consumer<String> action) {
        walk(services, name -> known(graph, name) ? graph.dependenciesOf(name) : Set.of(), action);
    }

    /** Runs {@code action} on each service once all of its dependents in the set have finished. */
    public static void inReverseDependencyOrder(Collection<String> services, DependencyGraph graph,
                                                Consumer<String> action) {
        walk(services, name -> known(graph, name) ? graph.dependentsOf(name) : Set.of(), action);
    }

    private static boolean known(DependencyGraph graph, String name) {
        return graph != null && graph.services().contains(name);
    }

    /**
     * The walk itself: {@code waitsFor} gives the services (of any set) a service waits for.
     * Returns when every action has returned; an action's exception is passed on after that.
     */
    static void walk(Collection<String> services, Function<String, ? extends Collection<String>> waitsFor,
                     Consumer<String> action) {
        Set<String> set = new LinkedHashSet<>(services);
        Map<String, Integer> waiting = new HashMap<>();
        Map<String, List<String>> releases = new HashMap<>();
        for (String name : set) {
            int count = 0;
            for (String other : waitsFor.apply(name)) {
                if (set.contains(other) && !other.equals(name)) {
                    count++;
                    releases.computeIfAbsent(other, o -> new ArrayList<>()).add(name);
                }
            }
            waiting.put(name, count);
        }
        if (set.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "titan-walk");
            thread.setDaemon(true);
            return thread;
        });
        Walk walk = new Walk(pool, waiting, releases, action, set.size());
        try {
            set.stream().filter(name -> waiting.get(name) == 0).toList().forEach(walk::submit);
            walk.awaitAll();
        } finally {
            pool.shutdownNow();
        }
    }

    /** The shared progress of one walk, guarded by its own lock. */
    private static final class Walk {
        private final ExecutorService pool;
        private final Map<String, Integer> waiting;
        private final Map<String, List<String>> releases;
        private final Consumer<String> action;
        private int left;
        private RuntimeException failure;

        Walk(ExecutorService pool, Map<String, Integer> waiting, Map<String, List<String>> releases,
             Consumer<String> action, int total) {
            this.pool = pool;
            this.waiting = waiting;
            this.releases = releases;
            this.action = action;
            this.left = total;
        }

        void submit(String name) {
            pool.execute(() -> {
                try {
                    action.accept(name);
                } catch (RuntimeException e) {
                    synchronized (this) {
                        failure = failure == null ? e : failure;
                    }
                } finally {
                    finished(name);
                }
            });
        }

        private void finished(String name) {
            List<String> ready = new ArrayList<>();
            synchronized (this) {
                for (String next : releases.getOrDefault(name, List.of())) {
                    int count = waiting.merge(next, -1, Integer::sum);
                    if (count == 0) {
                        ready.add(next);
                    }
                }
                left--;
                notifyAll();
            }
            ready.forEach(this::submit);
        }

        synchronized void awaitAll() {
            boolean interrupted = false;
            while (left > 0) {
                try {
                    wait();
                } catch (InterruptedException e) {
                    // Actions restore services: stopping half way would leave them down.
                    interrupted = true;
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
            if (failure != null) {
                throw failure;
            }
        }
    }
}
