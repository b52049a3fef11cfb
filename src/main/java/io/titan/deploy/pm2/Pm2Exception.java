package io.titan.deploy.pm2;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

import java.util.List;

/**
 * A pm2 call failed, or PM2 did not do what it was asked. Exit code {@link ExitCodes#FAILED}.
 *
 * <p>Messages name the command (arguments only, never environment values), the exit code and the
 * tail of pm2's error output. They never contain {@code pm2 jlist} output, which holds the
 * environment of every app.
 */
public final class Pm2Exception extends TitanException {

    private final boolean connectionLost;

    /** Creates an exception for a PM2 outcome that was not what the engine asked for. */
    public Pm2Exception(String message) {
        this(message, null, false);
    }

    /** Creates an exception with the underlying cause (I/O failure, interruption). */
    public Pm2Exception(String message, Throwable cause) {
        this(message, cause, cause instanceof Pm2Exception pm2 && pm2.connectionLost());
    }

    private Pm2Exception(String message, Throwable cause, boolean connectionLost) {
        super(message, ExitCodes.FAILED, cause);
        this.connectionLost = connectionLost;
    }

    /** The connection to the daemon broke before the daemon answered (it was killed or is exiting). */
    static Pm2Exception connectionLost(String message) {
        return new Pm2Exception(message, null, true);
    }

    /**
     * True when the daemon did not answer because its socket closed: whatever was asked may or may
     * not have happened, and the daemon that would know is gone.
     */
    public boolean connectionLost() {
        return connectionLost;
    }

    static Pm2Exception commandFailed(List<String> command, String reason, List<String> errorTail) {
        StringBuilder message = new StringBuilder()
                .append(String.join(" ", command)).append(' ').append(reason);
        if (!errorTail.isEmpty()) {
            message.append(System.lineSeparator()).append(String.join(System.lineSeparator(), errorTail));
        }
        return new Pm2Exception(message.toString());
    }
}
