package io.titan.deploy.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.titan.deploy.pm2.Pm2App;
import io.titan.deploy.pm2.Pm2AppDefinition;
import io.titan.deploy.pm2.Pm2Exception;
import io.titan.deploy.pm2.Pm2Process;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StartBatcherTest {

    /** Records each pm2 start call as the list of names it started; the first call can be held. */
    private static final class RecordingControl implements ProcessControl {
        final List<List<String>> calls = Collections.synchronizedList(new ArrayList<>());
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch firstCallEntered = new CountDownLatch(1);
        volatile boolean holdFirst;
        volatile boolean batchesFail;
        volatile String broken;

        @Override
        public void start(Pm2App app) {
            record(List.of(app.name()));
            if (app.name().equals(broken)) {
                throw new Pm2Exception(app.name() + ": script does not exist");
            }
        }

        @Override
        public void startAll(List<Pm2App> apps) {
            record(apps.stream().map(Pm2App::name).toList());
            if (batchesFail) {
                throw new Pm2Exception("one app of the batch is broken");
            }
        }

        private void record(List<String> names) {
            calls.add(names);
            if (holdFirst && firstCallEntered.getCount() > 0) {
                firstCallEntered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }

        @Override
        public String home() {
            return "/tmp/pm2";
        }

        @Override
        public void initialize() {
        }

        @Override
        public void stop(String name) {
        }

        @Override
        public void delete(String name) {
        }

        @Override
        public Optional<Pm2AppDefinition> describe(String name) {
            return Optional.empty();
        }

        @Override
        public Map<String, Pm2AppDefinition> describeAll() {
            return Map.of();
        }

        @Override
        public List<Pm2Process> processes() {
            return List.of();
        }
    }

    private static Pm2App app(String name) {
        return Pm2App.builder(name, Path.of("/srv/" + name + "/index.js")).build();
    }

    private static Thread startInBackground(StartBatcher batcher, String name, AtomicReference<RuntimeException> error) {
        Thread thread = new Thread(() -> {
            try {
                batcher.start(app(name));
            } catch (RuntimeException e) {
                error.set(e);
            }
        }, "start-" + name);
        thread.start();
        return thread;
    }

    @Test
    void startsServicesQueuedBehindARunningStartInOneCall() throws Exception {
        RecordingControl pm2 = new RecordingControl();
        pm2.holdFirst = true;
        StartBatcher batcher = new StartBatcher(pm2);
        AtomicReference<RuntimeException> error = new AtomicReference<>();

        Thread shared = startInBackground(batcher, "titan-shared", error);
        pm2.firstCallEntered.await();
        Thread brain = startInBackground(batcher, "titan-brain", error);
        Thread console = startInBackground(batcher, "titan-console", error);
        await().atMost(Duration.ofSeconds(5)).until(() -> brain.getState() == Thread.State.WAITING
                && console.getState() == Thread.State.WAITING);
        pm2.release.countDown();
        for (Thread t : List.of(shared, brain, console)) {
            t.join(5_000);
        }

        assertThat(error.get()).isNull();
        assertThat(pm2.calls).hasSize(2);
        assertThat(pm2.calls.get(0)).containsExactly("titan-shared");
        assertThat(pm2.calls.get(1)).containsExactlyInAnyOrder("titan-brain", "titan-console");
    }

    @Test
    void aFailedBatchIsRetriedOneByOneSoTheFailureNamesItsService() throws Exception {
        RecordingControl pm2 = new RecordingControl();
        pm2.holdFirst = true;
        pm2.batchesFail = true;
        pm2.broken = "titan-console";
        StartBatcher batcher = new StartBatcher(pm2);
        AtomicReference<RuntimeException> firstError = new AtomicReference<>();
        AtomicReference<RuntimeException> brainError = new AtomicReference<>();
        AtomicReference<RuntimeException> consoleError = new AtomicReference<>();

        Thread shared = startInBackground(batcher, "titan-shared", firstError);
        pm2.firstCallEntered.await();
        Thread brain = startInBackground(batcher, "titan-brain", brainError);
        Thread console = startInBackground(batcher, "titan-console", consoleError);
        await().atMost(Duration.ofSeconds(5)).until(() -> brain.getState() == Thread.State.WAITING
                && console.getState() == Thread.State.WAITING);
        pm2.release.countDown();
        for (Thread t : List.of(shared, brain, console)) {
            t.join(5_000);
        }

        assertThat(firstError.get()).isNull();
        assertThat(brainError.get()).isNull();
        assertThat(consoleError.get()).isInstanceOf(Pm2Exception.class).hasMessageContaining("titan-console");
        assertThat(pm2.calls.subList(2, pm2.calls.size()))
                .containsExactlyInAnyOrder(List.of("titan-brain"), List.of("titan-console"));
    }

    @Test
    void aLoneStartFailsWithItsOwnError() {
        RecordingControl pm2 = new RecordingControl();
        pm2.broken = "titan-brain";
        StartBatcher batcher = new StartBatcher(pm2);

        assertThatThrownBy(() -> batcher.start(app("titan-brain")))
                .isInstanceOf(Pm2Exception.class)
                .hasMessageContaining("titan-brain");
        assertThat(pm2.calls).containsExactly(List.of("titan-brain"));
    }
}
