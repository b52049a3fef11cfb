package io.titan.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.titan.deploy.TitanException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one rule acquiring a host keeps: while a release's lease holds the host, every other command
 * that would change it is turned away with exit 4, naming the release, who holds it and when the
 * lease runs out, and how to take it over; a lease that ran out or is taken over is ended.
 */
class HostLeaseRuleTest {

    private static final Instant NOW = Instant.parse("2026-12-07T10:00:00Z");
    private static final Instant EXPIRES = NOW.plus(Duration.ofMinutes(10));
    private static final String BUILD = "Jenkins build https://ci.example/job/deploy/42/";

    @TempDir
    Path state;

    private final List<String> log = new ArrayList<>();

    private void leasedTo(String release) {
        new ReleaseLease(release, "20261207T095500000Z-0000", EXPIRES, Duration.ofMinutes(10), BUILD).write(state);
    }

    private DeployLock acquire(DeployLock.Claim claim, Instant at) {
        return DeployLock.acquire(state, claim, Duration.ZERO, Clock.fixed(at, ZoneOffset.UTC), log::add);
    }

    @Test
    void everyCommandThatChangesTheHostIsTurnedAwayWhileAnotherReleaseHoldsIt() throws Exception {
        leasedTo("jenkins-42");
        String before = Files.readString(state.resolve("release.lease"));
        List<DeployLock.Claim> claims = List.of(DeployLock.Claim.command("deploy titan.yaml", false),
                DeployLock.Claim.command("rollback", false), DeployLock.Claim.command("stop", false),
                DeployLock.Claim.command("recover", false), DeployLock.Claim.begin("jenkins-43", false),
                DeployLock.Claim.step("jenkins-43"));

        for (DeployLock.Claim claim : claims) {
            assertThatThrownBy(() -> acquire(claim, NOW)).as(claim.what())
                    .isInstanceOf(TitanException.class)
                    .satisfies(e -> assertThat(((TitanException) e).exitCode()).isEqualTo(4))
                    .hasMessageContaining("release jenkins-42 holds this host")
                    .hasMessageContaining("begun by " + BUILD)
                    .hasMessageContaining("runs out at " + EXPIRES);
        }

        assertThatThrownBy(() -> acquire(DeployLock.Claim.command("stop", false), NOW))
                .hasMessageContaining("pass --take-over to restore its part and then stop");
        assertThat(Files.readString(state.resolve("release.lease"))).as("the lease is left as it was").isEqualTo(before);
        assertThat(log).isEmpty();
        try (DeployLock free = acquire(DeployLock.Claim.step("jenkins-42"), NOW)) {
            assertThat(free.lease()).as("a turned-away caller let go of the lock").isPresent();
        }
    }

    @Test
    void theReleaseThatHoldsTheHostGetsItsLease() {
        leasedTo("jenkins-42");

        try (DeployLock step = acquire(DeployLock.Claim.step("jenkins-42"), NOW)) {
            assertThat(step.lease()).hasValueSatisfying(l -> assertThat(l.release()).isEqualTo("jenkins-42"));
            assertThat(step.ended()).isEmpty();
        }
        try (DeployLock begin = acquire(DeployLock.Claim.begin("jenkins-42", true), NOW)) {
            assertThat(begin.lease()).as("its own begin again: it already began").isPresent();
        }
        assertThat(ReleaseLease.read(state)).isPresent();
    }

    @Test
    void takeOverEndsALiveReleaseAndSaysWhoseItWas() {
        leasedTo("jenkins-42");

        try (DeployLock lock = acquire(DeployLock.Claim.command("rollback", true), NOW)) {
            assertThat(lock.ended()).hasValueSatisfying(l -> assertThat(l.release()).isEqualTo("jenkins-42"));
        }

        assertThat(ReleaseLease.read(state)).isEmpty();
        assertThat(log).singleElement().asString().contains("release jenkins-42 taken over (--take-over")
                .contains(BUILD).contains("its unfinished part is restored first");
    }

    @Test
    void aLeaseThatRanOutIsEndedByTheNextCommandWithoutTakeOver() {
        leasedTo("jenkins-42");

        try (DeployLock lock = acquire(DeployLock.Claim.command("deploy", false), EXPIRES)) {
            assertThat(lock.ended()).isPresent();
        }

        assertThat(ReleaseLease.read(state)).isEmpty();
        assertThat(log).singleElement().asString().contains("the lease of release jenkins-42 ran out at " + EXPIRES);
    }

    @Test
    void aStepOfAReleaseThatIsNotOpenFindsNoLease() {
        try (DeployLock lock = acquire(DeployLock.Claim.step("jenkins-42"), NOW)) {
            assertThat(lock.lease()).isEmpty();
            assertThat(lock.ended()).isEmpty();
        }
    }

    @Test
    void aRenewalLastsAsLongAsTheLeaseWasGivenUnlessTheStepGivesAnother() {
        ReleaseLease begun = new ReleaseLease("jenkins-42", "r", NOW.plusSeconds(2), Duration.ofSeconds(2), BUILD);

        ReleaseLease renewed = begun.renewed(NOW.plusSeconds(1), null);
        ReleaseLease longer = renewed.renewed(NOW.plusSeconds(2), Duration.ofMinutes(5));

        assertThat(renewed.expires()).isEqualTo(NOW.plusSeconds(3));
        assertThat(longer.expires()).isEqualTo(NOW.plusSeconds(2).plus(Duration.ofMinutes(5)));
        assertThat(longer.renewed(NOW.plusSeconds(3), null).duration()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void aLeaseIsReadBackWithItsDurationAndHolder() {
        new ReleaseLease("jenkins-42", "r", EXPIRES, Duration.ofSeconds(2), BUILD).write(state);

        assertThat(ReleaseLease.read(state)).contains(
                new ReleaseLease("jenkins-42", "r", EXPIRES, Duration.ofSeconds(2), BUILD));
    }

    @Test
    void theHolderIsTheJenkinsBuildWhenJenkinsRunsTheCli() {
        assertThat(ReleaseLease.holderOf(Map.of("BUILD_URL", "https://ci.example/job/deploy/42/")))
                .isEqualTo(BUILD);
        assertThat(ReleaseLease.holderOf(Map.of())).startsWith("process " + ProcessHandle.current().pid() + " on ");
    }

    /** What a dry run reports a command would meet is what acquiring the host does, for every claim. */
    @Test
    void theRefusalADryRunReadsIsTheOneAcquiringTheHostThrows() {
        leasedTo("jenkins-42");
        List<DeployLock.Claim> claims = List.of(DeployLock.Claim.command("rollback", false),
                DeployLock.Claim.command("rollback", true), DeployLock.Claim.begin("jenkins-42", false),
                DeployLock.Claim.step("jenkins-42"), DeployLock.Claim.step("jenkins-43"));
        for (Instant at : List.of(NOW, EXPIRES.plusSeconds(1))) {
            for (DeployLock.Claim claim : claims) {
                java.util.Optional<TitanException> refused = DeployLock.refusal(ReleaseLease.read(state), claim, at);
                String what = claim + " at " + at;
                if (refused.isPresent()) {
                    assertThatThrownBy(() -> acquire(claim, at).close()).as(what)
                            .hasMessage(refused.get().getMessage());
                } else {
                    try (DeployLock lock = acquire(claim, at)) {
                        assertThat(lock).as(what).isNotNull();
                    }
                    leasedTo("jenkins-42");
                }
            }
        }
        assertThat(DeployLock.refusal(ReleaseLease.read(state), DeployLock.Claim.command("rollback", false), NOW))
                .as("a live lease turns rollback away").isPresent();
        assertThat(DeployLock.refusal(java.util.Optional.empty(), DeployLock.Claim.step("jenkins-42"), NOW)).isEmpty();
    }
}
