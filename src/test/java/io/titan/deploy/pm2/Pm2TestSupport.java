package io.titan.deploy.pm2;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** Real pm2, the stand-in service and small HTTP helpers for the integration tests. */
final class Pm2TestSupport {

    static final Path PROJECT = Pm2Binary.projectDir(System.getenv(), Path.of("").toAbsolutePath())
            .orElseThrow();
    static final Path PM2 = Pm2Binary.resolve(null);
    static final Path STAND_IN = PROJECT.resolve("stand-in/service.js");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private Pm2TestSupport() {
    }

    static int freePort() {
        return io.titan.deploy.testing.Sandbox.freePort();
    }

    /** The /health body when the stand-in answers 200, else empty. */
    static Optional<String> health(int port) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                            .timeout(Duration.ofSeconds(1)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? Optional.of(response.body()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    static Pm2App.Builder standIn(String name, int port) {
        return Pm2App.builder(name, STAND_IN).env("PORT", Integer.toString(port));
    }
}
