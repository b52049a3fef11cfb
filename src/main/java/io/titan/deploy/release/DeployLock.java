package io.titan.deploy.release;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;
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
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * One deployment per target at a time. The lock is an OS file lock on {@code deploy.lock} in the
 * state dir, so the kernel releases it when the holder dies however it dies; the file also names
 * the holder (pid, command, time) for the message a second deployment prints.
 */
public final class DeployLock implements AutoCloseable {

    private final FileChannel channel;
    private final FileLock lock;

    private DeployLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock, waiting up to {@code wait} (zero: fail at once).
     *
     * @param what what this process is about to do, e.g. {@code deploy}; written for other processes
     * @param log  where to say that a stale lock was taken over
     * @throws TitanException exit code 4, naming the holder, when the lock stays held
     */
    public static DeployLock acquire(Path stateDir, String what, Duration wait, Consumer<String> log) {
        Path file = stateDir.resolve("deploy.lock");
        Instant deadline = Instant.now().plus(wait);
        try {
            Files.createDirectories(stateDir);
            FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
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
