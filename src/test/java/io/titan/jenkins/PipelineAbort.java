package io.titan.jenkins;

/** What the {@code error} step throws in Jenkins (hudson.AbortException): a failure without a stack trace. */
final class PipelineAbort extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PipelineAbort(String message) {
        super(message);
    }
}
