package io.titan.deploy.testing;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.Tag;

/**
 * A test that starts real components: a PM2 daemon, redis-server, headless Chromium, or the CLI
 * as its own process. {@code mvn test} leaves these out (the unit tests need none of them);
 * {@code mvn verify}, which {@code bin/test} runs, runs them too, through failsafe.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Tag("integration")
public @interface Integration {
}
