package io.titan.deploy.event;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Delivers events to listeners, as the seed's {@code on('service:deployed', ...)} did. Safe to emit
 * from several threads; events are delivered one at a time, in emission order, so listeners
 * (an NDJSON file, the console) need no locking of their own. A listener that throws is reported
 * and the others still run: a deployment never fails because a listener did.
 */
public final class EventBus {

    private final Map<String, List<Consumer<DeploymentEvent>>> byType = new ConcurrentHashMap<>();
    private final List<Consumer<DeploymentEvent>> all = new CopyOnWriteArrayList<>();
    private final Consumer<RuntimeException> onListenerError;

    /** A bus that reports listener failures on stderr. */
    public EventBus() {
        this(e -> System.err.println("titan-deploy: event listener failed: " + e));
    }

    public EventBus(Consumer<RuntimeException> onListenerError) {
        this.onListenerError = onListenerError;
    }

    /** Listens to one type, e.g. {@code service:deployed}. */
    public EventBus on(String type, Consumer<DeploymentEvent> listener) {
        byType.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>()).add(listener);
        return this;
    }

    /** Listens to every event. */
    public EventBus onAny(Consumer<DeploymentEvent> listener) {
        all.add(listener);
        return this;
    }

    /** Delivers an event to the listeners of its type and to those of every event. */
    public synchronized void emit(DeploymentEvent event) {
        for (Consumer<DeploymentEvent> listener : byType.getOrDefault(event.type(), List.of())) {
            deliver(listener, event);
        }
        for (Consumer<DeploymentEvent> listener : all) {
            deliver(listener, event);
        }
    }

    private void deliver(Consumer<DeploymentEvent> listener, DeploymentEvent event) {
        try {
            listener.accept(event);
        } catch (RuntimeException e) {
            onListenerError.accept(e);
        }
    }
}
