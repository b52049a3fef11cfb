package io.titan.deploy.config;

/**
 * pm2-logrotate settings. pm2-logrotate's {@code retain} counts rotated files, not days, so with
 * daily rotation a file count equal to the days kept gives the retention the user asked for.
 *
 * @param enabled    whether the engine installs and configures pm2-logrotate
 * @param maxSize    rotate a log once it reaches this size
 * @param retainDays days of rotated logs to keep
 * @param compress   gzip rotated logs
 */
public record LogRotation(boolean enabled, ByteSize maxSize, int retainDays, boolean compress) {

    /** The seed's settings: 10M, 30 days, compressed. */
    public static LogRotation defaults() {
        return new LogRotation(true, ByteSize.parse("10M"), 30, true);
    }
}
