package io.titan.deploy.pm2;

import io.titan.deploy.TitanException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Pm2AppTest {

    private static final Path SCRIPT = Path.of("/srv/app.js");

    @Test
    void rejectsNamesPm2WouldReadAsIdOrEveryApp() {
        for (String name : new String[] {"12", "all", "", "has space", "-x"}) {
            assertThatThrownBy(() -> Pm2App.builder(name, SCRIPT).build())
                    .isInstanceOf(TitanException.class)
                    .satisfies(e -> assertThat(((TitanException) e).exitCode()).isEqualTo(2));
        }
    }

    @Test
    void rejectsBadMemoryLimitAndTheReservedEnvKey() {
        assertThatThrownBy(() -> Pm2App.builder("svc", SCRIPT).maxMemoryRestart("300MB").build())
                .hasMessageContaining("300MB");
        assertThatThrownBy(() -> Pm2App.builder("svc", SCRIPT).env(Ecosystem.ENV_KEYS_MARKER, "x").build())
                .hasMessageContaining("reserved");
    }

    @Test
    void toBuilderKeepsEverythingNotChanged() {
        Pm2App app = Pm2App.builder("svc", SCRIPT).env("A", "1").maxMemoryRestart("200M").instances(2).build();

        Pm2App changed = app.toBuilder().env("B", "2").build();

        assertThat(changed.env()).containsEntry("A", "1").containsEntry("B", "2");
        assertThat(changed.maxMemoryRestart()).isEqualTo("200M");
        assertThat(changed.instances()).isEqualTo(2);
        assertThat(changed.cwd()).isEqualTo(Path.of("/srv"));
    }
}
