package io.titan.deploy.pm2;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The order of a replacement worker by worker: each new worker proven before an old one stops. */
class ClusterReloadTest {

    private static final Path SCRIPT = Path.of("/srv/api/index.js");

    /** Records what is asked of PM2; new workers get pm_ids from 10 on. */
    private static final class Recording implements ProcessControl {
        final List<String> calls = new ArrayList<>();
        private int nextId = 10;

        @Override
        public String home() {
            return "/recording";
        }

        @Override
        public void initialize() {
        }

        @Override
        public List<Pm2Process> start(Pm2App app) {
            throw new AssertionError("a replacement worker by worker never restarts the whole app");
        }

        @Override
        public Pm2Process startWorker(Pm2App app, int instance) {
            int id = nextId++;
            calls.add("start " + id + " as instance " + instance);
            return worker(id, true);
        }

        @Override
        public void stopWorker(int pmId) {
            calls.add("stop " + pmId);
        }

        @Override
        public void stop(String name) {
            throw new AssertionError("never stops the whole app");
        }

        @Override
        public void delete(String name) {
            throw new AssertionError("never deletes the whole app");
        }

        @Override
        public Pm2Snapshot snapshot() {
            return Pm2Snapshot.empty();
        }

        @Override
        public ProcessWatch watch() {
            throw new AssertionError("no watch here");
        }
    }

    private static Pm2Process worker(int pmId, boolean online) {
        return new Pm2Process("api", pmId, online ? 1000 + pmId : 0, online ? Pm2Status.ONLINE : Pm2Status.ERRORED, 0, 0,
                null, 0, 0, null, SCRIPT, SCRIPT.getParent(), "u-" + pmId);
    }

    private static Pm2App app(int instances) {
        return Pm2App.builder("api", SCRIPT).instances(instances).cluster(true).build();
    }

    @Test
    void eachNewWorkerPassesItsGateBeforeTheOldWorkerItReplacesIsToldToStop() {
        Recording pm2 = new Recording();
        List<Pm2Process> started = ClusterReload.replace(pm2, app(2), List.of(worker(1, true), worker(0, true)),
                (worker, soFar) -> pm2.calls.add("gate " + worker.pmId() + " of " + soFar.size()));

        assertThat(pm2.calls).containsExactly(
                "start 10 as instance 0", "gate 10 of 1", "stop 0",
                "start 11 as instance 1", "gate 11 of 2", "stop 1");
        assertThat(started).extracting(Pm2Process::pmId).containsExactly(10, 11);
    }

    @Test
    void workersThatDoNotServeAreReplacedFirstAndLeftoversStopAtTheEnd() {
        Recording pm2 = new Recording();
        ClusterReload.replace(pm2, app(1), List.of(worker(0, true), worker(1, false)),
                (worker, soFar) -> pm2.calls.add("gate " + worker.pmId()));

        assertThat(pm2.calls).containsExactly("start 10 as instance 0", "gate 10", "stop 1", "stop 0");
    }

    @Test
    void aRefusedWorkerIsStoppedAtOnceAndTheOldWorkersNotReplacedYetKeepServing() {
        Recording pm2 = new Recording();

        assertThatThrownBy(() -> ClusterReload.replace(pm2, app(2), List.of(worker(0, true), worker(1, true)),
                (worker, soFar) -> {
                    if (worker.pmId() == 11) {
                        throw new IllegalStateException("api did not become healthy within 2 s");
                    }
                }))
                .isInstanceOf(ClusterReload.Refused.class)
                .hasMessage("api did not become healthy within 2 s")
                .satisfies(e -> assertThat(((ClusterReload.Refused) e).started()).extracting(Pm2Process::pmId)
                        .containsExactly(10));
        assertThat(pm2.calls).containsExactly("start 10 as instance 0", "stop 0", "start 11 as instance 1", "stop 11");
    }

    @Test
    void aForkModeAppIsNotReplacedWorkerByWorker() {
        assertThatThrownBy(() -> ClusterReload.replace(new Recording(), Pm2App.builder("api", SCRIPT).build(),
                List.of(worker(0, true)), (w, s) -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a cluster-mode app");
    }
}
