package io.titan.deploy.release;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
import io.titan.deploy.health.Durations;
import io.titan.deploy.pm2.ProcessLiveness;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Acquiring a host: one deployment per target at a time, and none while a release in steps holds
 * the host. The lock is an OS file lock on {@code deploy.lock} in the state dir, so the kernel
 * releases it when the holder dies however it dies; the file also names the holder (pid, command,
 * time) for the message a second deployment prints. The release lease ({@link ReleaseLease}) is the
 * other half: every command that changes the host acquires it here, and here alone the rule is
 * kept that a live release's lease turns every other command away (exit 4) unless a person takes
 * it over ({@code --take-over}).
 */
public final class DeployLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;
    private Optional<ReleaseLease> lease = Optional.empty();
    private Optional<ReleaseLease> ended = Optional.empty();

    private DeployLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Who acquires the host, and on what terms with a release that holds it.
     *
     * @param what     what this process is about to do, e.g. {@code deploy}; written for other processes
     * @param release  the release this call is part of, or null for a command outside any release
     * @param step     whether the call carries on {@code release} (service, soak, finish, abort): the
     *                 release must then be the one holding the host
     * @param takeOver end another release's live lease (its pipeline is dead), restoring its part first
     */
    public record Claim(String what, String release, boolean step, boolean takeOver) {

        /** A command that changes the host outside any release: deploy, rollback, stop, recover. */
        public static Claim command(String what, boolean takeOver) {
            return new Claim(what, null, false, takeOver);
        }

        /** {@code release begin} of {@code release}. */
        public static Claim begin(String release, boolean takeOver) {
            return new Claim("release begin " + release, release, false, takeOver);
        }

        /** A later step of {@code release}, which must hold the host. */
        public static Claim step(String release) {
            return new Claim("release " + release, release, true, false);
        }
    }

    /**
     * Acquires the host for {@code claim}: takes the lock, waiting up to {@code wait} (zero: fail at
     * once), then applies the lease rule. A release's lease that ran out, or that {@code claim} takes
     * over, is ended here (the file goes; its unfinished record stays for the caller to restore:
     * {@link #ended()}).
     *
     * @param log where to say that a stale lock or a release's lease was taken over
     * @throws TitanException exit code 4 when the lock stays held, or another release holds the host
     *                        (naming the release, its holder and when its lease runs out)
     */
    public static DeployLock acquire(Path stateDir, Claim claim, Duration wait, Clock clock, Consumer<String> log) {
        DeployLock lock = lockFile(stateDir, claim.what(), wait, log);
        try {
            lock.guard(stateDir, claim, clock.instant(), log);
            return lock;
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    /** The lease of the claim's own release that holds the host, if it does. */
    public Optional<ReleaseLease> lease() {
        return lease;
    }

    /** The lease of another release that this acquisition ended (it ran out, or was taken over). */
    public Optional<ReleaseLease> ended() {
        return ended;
    }

    /**
     * The lease rule's refusal: what {@link #acquire} throws for {@code claim} while {@code held}
     * holds the host, or empty where it goes on. Pure, for a dry run to say what the command would
     * meet without taking the host.
     */
    public static Optional<TitanException> refusal(Optional<ReleaseLease> held, Claim claim, Instant now) {
        if (held.isEmpty()) {
            return Optional.empty();
        }
        ReleaseLease holder = held.get();
        boolean own = holder.release().equals(claim.release());
        if (claim.step() && !own) {
            return Optional.of(new TitanException("release " + holder.release() + " holds this host, not "
                    + claim.release() + " (" + holder.describe(now) + ")", ExitCodes.LOCKED));
        }
        if (!claim.step() && !own && !holder.expired(now) && !claim.takeOver()) {
            return Optional.of(new TitanException("release " + holder.release() + " holds this host ("
                    + holder.describe(now) + "): wait for it to end, or, if its pipeline is dead, pass --take-over to "
                    + "restore its part and then " + claim.what(), ExitCodes.LOCKED));
        }
        return Optional.empty();
    }

    /** The lease rule. */
    private void guard(Path stateDir, Claim claim, Instant now, Consumer<String> log) {
        Optional<ReleaseLease> held = ReleaseLease.read(stateDir);
        Optional<TitanException> refused = refusal(held, claim, now);
        if (refused.isPresent()) {
            throw refused.get();
        }
        if (held.isEmpty()) {
            return;
        }
        ReleaseLease holder = held.get();
        boolean own = holder.release().equals(claim.release());
        if (claim.step() || own && !holder.expired(now)) {
            // A step of the release that holds the host, or its own begin again (the caller says it already began).
            lease = held;
        } else {
            log.accept((holder.expired(now) ? "the lease of release " + holder.release() + " ran out at "
                    + holder.expires() : "release " + holder.release() + " taken over (--take-over; "
                    + holder.describe(now) + ")") + "; its unfinished part is restored first");
            ReleaseLease.clear(stateDir);
            ended = held;
        }
    }

    private static DeployLock lockFile(Path stateDir, String what, Duration wait, Consumer<String> log) {
        Path file = stateDir.resolve("deploy.lock");
        Instant deadline = Instant.now().plus(wait);
        try {
            Files.createDirectories(stateDir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            boolean waiting = false;
            while (true) {
                FileLock lock = tryLock(channel);
                if (lock != null) {
                    String previous = read(channel);
                    long previousPid = pidOf(previous);
                    if (previousPid > 0 && previousPid != ProcessHandle.current().pid()
                            && !ProcessLiveness.isAlive(previousPid)) {
                        log.accept("took over the deploy lock of process " + previousPid
                                + ", which is no longer running (" + previous.strip() + ")");
                    }
                    write(channel, "pid=" + ProcessHandle.current().pid() + " " + what + " since " + Instant.now());
                    return new DeployLock(channel, lock);
                }
                if (!Instant.now().isBefore(deadline)) {
                    String holder = read(channel).strip();
                    channel.close();
                    throw new TitanException("another deployment holds the lock of this target (" + file + ": "
                            + (holder.isEmpty() ? "holder unknown" : holder)
                            + "); wait for it or pass --wait-lock DURATION", ExitCodes.LOCKED);
                }
                if (!waiting) {
                    waiting = true;
                    String holder = read(channel).strip();
                    log.accept("waiting up to " + Durations.format(wait) + " for the lock of this target, held by "
                            + (holder.isEmpty() ? "a holder that did not say who it is" : holder));
                }
                Thread.sleep(200);
            }
        } catch (IOException e) {
            throw new TitanException("cannot lock " + file + ": " + e.getMessage(), ExitCodes.FAILED, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TitanException("interrupted while waiting for the lock " + file, ExitCodes.LOCKED, e);
        }
    }

    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // held by another thread of this JVM: the same answer as another process
        }
    }

    private static String read(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(512);
        channel.read(buffer, 0);
        buffer.flip();
        return StandardCharsets.UTF_8.decode(buffer).toString();
    }

    private static void write(FileChannel channel, String holder) throws IOException {
        channel.truncate(0);
        channel.write(ByteBuffer.wrap((holder + "\n").getBytes(StandardCharsets.UTF_8)), 0);
        channel.force(false);
    }

    private static long pidOf(String holder) {
        if (!holder.startsWith("pid=")) {
            return -1;
        }
        int end = holder.indexOf(' ');
        try {
            return Long.parseLong(holder.substring(4, end < 0 ? holder.length() : end).strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Clears the holder line first, so the next taker does not mistake a clean exit for a crash. */
    @Override
    public void close() {
        try {
            channel.truncate(0);
            lock.release();
            channel.close();
        } catch (IOException e) {
            // Closing the channel releases the lock anyway; nothing is left held.
        }
    }
}
