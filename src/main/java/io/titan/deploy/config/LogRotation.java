package io.titan.deploy.config;

import java.util.Objects;

/**
 * pm2-logrotate settings of a target. pm2-logrotate's {@code retain} counts rotated files, not days,
 * so logs are rotated daily and the file count kept equals the days asked for.
 *
 * @param enabled    whether the engine installs and configures pm2-logrotate; off for most tests,
 *                   because the install takes seconds
 * @param maxSize    rotate a log once it reaches this size
 * @param retainDays days of rotated logs to keep, at least 1
 * @param compress   gzip rotated logs
 */
public record LogRotation(boolean enabled, ByteSize maxSize, int retainDays, boolean compress) {

    /** Rejects a missing size and fewer than one day kept. */
    public LogRotation {
        Objects.requireNonNull(maxSize, "logRotation.maxSize is required");
        if (retainDays < 1) {
            throw new IllegalArgumentException("logRotation.retainDays must be at least 1, got " + retainDays);
        }
    }

    /** The seed's settings: 10M, 30 days, compressed. */
    public static LogRotation defaults() {
        return new LogRotation(true, ByteSize.parse("10M"), 30, true);
    }

    /** The seed's settings with installation switched off. */
    public static LogRotation disabled() {
        return defaults().withEnabled(false);
    }

    /** A copy with {@code enabled} changed. */
    public LogRotation withEnabled(boolean value) {
        return new LogRotation(value, maxSize, retainDays, compress);
    }
}
