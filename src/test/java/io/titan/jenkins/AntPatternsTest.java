package io.titan.jenkins;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The harness's Ant patterns are Ant's (SelectorUtils.matchPath), as stash, archiveArtifacts and publishHTML use them. */
class AntPatternsTest {

    @Test
    void segmentsMatchOneByOneAndDoubleStarAnyNumberOfThem() {
        assertThat(AntPatterns.matches("deploy/titan.yaml", "deploy/titan.yaml")).isTrue();
        assertThat(AntPatterns.matches("deploy/*.yaml", "deploy/titan.yaml")).isTrue();
        assertThat(AntPatterns.matches("*.yaml", "deploy/titan.yaml")).isFalse();
        assertThat(AntPatterns.matches("**/*.yaml", "deploy/titan.yaml")).isTrue();
        assertThat(AntPatterns.matches("**/*.yaml", "titan.yaml")).isTrue();
        assertThat(AntPatterns.matches("deploy/", "deploy/a/b.txt")).isTrue();
        assertThat(AntPatterns.matches("titan.yam?", "titan.yaml")).isTrue();
    }

    @Test
    void nothingIsNormalizedSoDotSlashMatchesNoFile() {
        assertThat(AntPatterns.matches("./deploy/titan.yaml", "deploy/titan.yaml")).isFalse();
        assertThat(AntPatterns.split(" a.txt , b/*.css,")).containsExactly("a.txt", "b/*.css");
    }
}
