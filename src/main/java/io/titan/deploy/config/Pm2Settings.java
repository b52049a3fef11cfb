package io.titan.deploy.config;

import java.nio.file.Path;

/**
 * Where PM2 lives for this target.
 *
 * @param home        PM2_HOME, or null to take it from the environment
 * @param bin         the pm2 executable, or null to look it up
 * @param logRotation log rotation settings
 */
public record Pm2Settings(Path home, Path bin, LogRotation logRotation) {
}
