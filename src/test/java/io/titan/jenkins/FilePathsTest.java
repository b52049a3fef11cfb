package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The harness's paths are Jenkins core's: the cases of FilePath.normalize that core's FilePathTest pins. */
class FilePathsTest {

    @Test
    void dotGoesWithItsSeparatorAndDotDotWithTheSegmentBeforeIt() {
        assertThat(FilePaths.normalize("a/./b")).isEqualTo("a/b");
        assertThat(FilePaths.normalize("a/.")).isEqualTo("a");
        assertThat(FilePaths.normalize("./a")).isEqualTo("a");
        assertThat(FilePaths.normalize("a/../b")).isEqualTo("b");
        assertThat(FilePaths.normalize("abc/..")).isEqualTo(".");
        assertThat(FilePaths.normalize("../a")).isEqualTo("../a");
        assertThat(FilePaths.normalize("/../x")).isEqualTo("/x");
        assertThat(FilePaths.normalize("a//b")).isEqualTo("a/b");
        assertThat(FilePaths.normalize("a/")).isEqualTo("a");
        assertThat(FilePaths.normalize("")).isEqualTo(".");
    }

    @Test
    void childJoinsARelativePathAndTakesAnAbsoluteOneAsItIs() {
        Path ws = Path.of("/ws");
        assertThat(FilePaths.child(ws, "deploy/titan.yaml/.")).isEqualTo(Path.of("/ws/deploy/titan.yaml"));
        assertThat(FilePaths.child(ws, "")).isEqualTo(ws);
        assertThat(FilePaths.child(ws, "/srv/titan.yaml")).isEqualTo(Path.of("/srv/titan.yaml"));
    }
}
