package io.titan.deploy.validate;

import io.titan.deploy.event.DeploymentEvent;
import io.titan.deploy.event.EventBus;
import java.time.Clock;
import java.util.List;

/** Turns validator progress into {@code validation:started}, {@code validation:check} and {@code validation:completed}. */
public final class ValidationEvents implements ValidationListener {

    private final EventBus events;
    private final Clock clock;

    public ValidationEvents(EventBus events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    @Override
    public void started(List<String> checkNames) {
        events.emit(new DeploymentEvent.ValidationStarted(clock.instant(), checkNames));
    }

    @Override
    public void checkCompleted(CheckResult r) {
        events.emit(new DeploymentEvent.ValidationCheck(clock.instant(), r.name(), r.kind().jsonName(), r.target(),
                r.required(), r.success(), r.duration(), r.message()));
    }

    @Override
    public void completed(ValidationResult result) {
        events.emit(new DeploymentEvent.ValidationCompleted(clock.instant(), result.success(), result.duration()));
    }
}
