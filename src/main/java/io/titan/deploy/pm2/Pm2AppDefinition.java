package io.titan.deploy.pm2;

/**
 * An app's current definition read back from PM2, enough to start it again exactly as it was.
 *
 * @param app      the definition
 * @param status   PM2's status of the (first) process
 * @param running  whether PM2 keeps the app running ({@link Pm2Status#keepsRunning()}); a stopped
 *                 app should be restored stopped
 * @param envExact true when the app was started by this engine, so {@code app.env()} is exactly
 *                 the env it was given; false for apps started otherwise, whose env then is the whole
 *                 environment PM2 gives the process (the pm2 caller's environment merged with the
 *                 app's), minus PM2's own bookkeeping keys
 */
public record Pm2AppDefinition(Pm2App app, Pm2Status status, boolean running, boolean envExact) {
}
