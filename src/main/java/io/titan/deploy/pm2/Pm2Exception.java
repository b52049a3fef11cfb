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

    /** Creates an exception for a PM2 outcome that was not what the engine asked for. */
    public Pm2Exception(String message) {
        super(message, ExitCodes.FAILED);
    }

    /** Creates an exception with the underlying cause (I/O failure, interruption). */
    public Pm2Exception(String message, Throwable cause) {
        super(message, ExitCodes.FAILED, cause);
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
