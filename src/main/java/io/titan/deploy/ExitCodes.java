package io.titan.deploy;

/** Process exit codes of {@code titan-deploy}; documented in {@code --help} and the README. */
public final class ExitCodes {
    /** Everything asked for succeeded. */
    public static final int OK = 0;
    /** A deployment or validation failed (and was rolled back where that applies). */
    public static final int FAILED = 1;
    /** Bad input: nothing was started or changed. */
    public static final int BAD_INPUT = 2;
    /** Rollback failed: the target needs a person. */
    public static final int ROLLBACK_FAILED = 3;
    /** Another deployment holds the target's lock. */
    public static final int LOCKED = 4;

    private ExitCodes() {
    }
}
