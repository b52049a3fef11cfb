package io.titan.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.titan.deploy.TitanException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The target's lock: one deployment (or rollback, or recover) at a time, and never a stale one. */
class DeployLockTest {

    private static final Clock CLOCK = Clock.systemUTC();

    @TempDir
    Path state;

    private static DeployLock.Claim command(String what) {
        return DeployLock.Claim.command(what, false);
    }

    @Test
    void aSecondLockHolderFailsWithExitFourNamingTheHolder() {
        List<String> log = new ArrayList<>();
        try (DeployLock first = DeployLock.acquire(state, command("deploy titan.yaml"), Duration.ZERO, CLOCK, log::add)) {
            assertThatThrownBy(() -> DeployLock.acquire(state, command("rollback"), Duration.ofMillis(300), CLOCK, log::add))
                    .isInstanceOf(TitanException.class)
                    .hasMessageContaining("pid=" + ProcessHandle.current().pid() + " deploy titan.yaml")
                    .satisfies(e -> assertThat(((TitanException) e).exitCode()).isEqualTo(4));
        }
        assertThat(log).singleElement().asString().startsWith("waiting up to 300 ms for the lock of this target, held by pid=");
        log.clear();
        try (DeployLock again = DeployLock.acquire(state, command("deploy"), Duration.ZERO, CLOCK, log::add)) {
            assertThat(log).as("a clean release is not a stale lock").isEmpty();
        }
    }

    @Test
    void aStaleLockOfADeadProcessIsTakenOverWithALogLine() throws Exception {
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        Files.writeString(state.resolve("deploy.lock"), "pid=" + dead.pid() + " deploy since 2026-11-26T12:00:00Z\n");
        List<String> log = new ArrayList<>();

        try (DeployLock lock = DeployLock.acquire(state, command("deploy"), Duration.ZERO, CLOCK, log::add)) {
            assertThat(log).singleElement().asString()
                    .contains("took over the deploy lock of process " + dead.pid()).contains("no longer running");
        }
    }

    /** The waiting taker says it waits (the line a person sees); the test holds the lock until then. */
    @Test
    void aWaitingTakerGetsTheLockOnceItIsReleased() throws Exception {
        List<String> log = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch waits = new java.util.concurrent.CountDownLatch(1);
        DeployLock first = DeployLock.acquire(state, command("deploy"), Duration.ZERO, CLOCK, log::add);
        CompletableFuture<DeployLock> waiting = CompletableFuture.supplyAsync(
                () -> DeployLock.acquire(state, command("recover"), Duration.ofSeconds(30), CLOCK, line -> {
                    log.add(line);
                    waits.countDown();
                }));
        assertThat(waits.await(30, TimeUnit.SECONDS)).as("the second taker says it waits").isTrue();
        assertThat(waiting).as("held by the first taker").isNotDone();
        assertThat(log).singleElement().asString().contains("waiting up to 30 s").contains("deploy");

        first.close();

        try (DeployLock second = waiting.get(5, TimeUnit.SECONDS)) {
            assertThat(Files.readString(state.resolve("deploy.lock"))).contains("recover");
        }
    }
}
