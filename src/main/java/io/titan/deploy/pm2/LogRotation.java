package io.titan.deploy.pm2;

import io.titan.deploy.ExitCodes;
import io.titan.deploy.TitanException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * pm2-logrotate settings for one PM2_HOME.
 *
 * @param enabled        whether {@link Pm2Manager#initialize()} installs and configures pm2-logrotate;
 *                       off for most tests because the install takes seconds
 * @param maxSize        size at which a log is rotated, like {@code 10M}
 * @param retain         number of rotated files kept per log; pm2-logrotate counts files, not days,
 *                       so with daily rotation 30 means about 30 days unless size rotations add more
 * @param compress       gzip rotated files
 * @param rotateInterval cron expression for the time-based rotation
 */
public record LogRotation(boolean enabled, String maxSize, int retain, boolean compress, String rotateInterval) {

    /** The pm2-logrotate version pinned in package.json. */
    public static final String MODULE = "pm2-logrotate";
    /** The pinned version installed when the module is missing. */
    public static final String VERSION = "3.0.0";

    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]*[KMG]");

    /** Validates. */
    public LogRotation {
        if (maxSize == null || !SIZE.matcher(maxSize).matches()) {
            throw new TitanException("log rotation maxSize must look like 10M, got '" + maxSize + "'",
                    ExitCodes.BAD_INPUT);
        }
        if (retain < 1) {
            throw new TitanException("log rotation retain must be at least 1, got " + retain, ExitCodes.BAD_INPUT);
        }
        if (rotateInterval == null || rotateInterval.isBlank()
                || rotateInterval.trim().split("\\s+").length < 5 || rotateInterval.trim().split("\\s+").length > 6) {
            throw new TitanException("log rotation rotateInterval must be a 5- or 6-field cron expression, got '"
                    + rotateInterval + "'", ExitCodes.BAD_INPUT);
        }
    }

    /** The seed's settings, enabled: 10M, 30 files, compressed, rotated daily at midnight. */
    public static LogRotation defaults() {
        return new LogRotation(true, "10M", 30, true, "0 0 * * *");
    }

    /** The seed's settings with installation switched off. */
    public static LogRotation disabled() {
        return defaults().withEnabled(false);
    }

    /** A copy with {@code enabled} changed. */
    public LogRotation withEnabled(boolean value) {
        return new LogRotation(value, maxSize, retain, compress, rotateInterval);
    }

    /** The pm2-logrotate settings as {@code pm2 set} keys ({@code pm2-logrotate:max_size}) and values. */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put(MODULE + ":max_size", maxSize);
        settings.put(MODULE + ":retain", Integer.toString(retain));
        settings.put(MODULE + ":compress", Boolean.toString(compress));
        settings.put(MODULE + ":rotateInterval", rotateInterval);
        return settings;
    }
}
