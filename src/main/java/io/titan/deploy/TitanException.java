package io.titan.deploy;

/**
 * Root of the engine's exception family. Every failure a user can meet carries the exit code the
 * CLI reports for it and a message that names the target, what was expected and what was seen.
 */
public class TitanException extends RuntimeException {

    private final int exitCode;

    public TitanException(String message, int exitCode) {
        this(message, exitCode, null);
    }

    public TitanException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    /** The process exit code the CLI maps this failure to (see {@link ExitCodes}). */
    public int exitCode() {
        return exitCode;
    }
}
