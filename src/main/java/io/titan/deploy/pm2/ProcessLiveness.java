package io.titan.deploy.pm2;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Tells whether a process really runs, from {@code /proc/PID/stat}.
 *
 * <p>A zombie (state {@code Z}) counts as dead: on machines where nothing reaps orphans (this
 * project's sandboxes, some containers without an init), a killed PM2 daemon or Node service stays
 * in the process table as a zombie, and {@code kill -0} or {@link ProcessHandle#isAlive()} would
 * report it alive forever.
 */
public final class ProcessLiveness {

    private ProcessLiveness() {
    }

    /**
     * Returns whether {@code pid} names a live, non-zombie process.
     *
     * @param pid a process id; zero or negative ids are never alive
     * @return true when /proc/PID/stat exists and its state is not {@code Z} (zombie) or {@code X} (dead)
     */
    public static boolean isAlive(long pid) {
        if (pid <= 0) {
            return false;
        }
        String stat;
        try {
            stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // Procfs races with process exit: a read that fails half-way means the process just went.
            return false;
        }
        // The command name (field 2) is in parentheses and may itself contain ") ", so the state is
        // the first field after the LAST closing parenthesis.
        int end = stat.lastIndexOf(')');
        if (end < 0 || end + 2 >= stat.length()) {
            return false;
        }
        char state = stat.charAt(end + 2);
        return state != 'Z' && state != 'X' && state != 'x';
    }
}
