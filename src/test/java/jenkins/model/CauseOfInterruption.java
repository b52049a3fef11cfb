package jenkins.model;

import java.io.Serializable;

/**
 * Stand-in for Jenkins core's {@code jenkins.model.CauseOfInterruption}: why a build or a step was
 * interrupted, carried by {@code FlowInterruptedException.getCauses()}. Same name and short
 * description as the real class, so that library code that looks at causes meets what Jenkins gives.
 */
public abstract class CauseOfInterruption implements Serializable {

    private static final long serialVersionUID = 1L;

    /** One line for the log, e.g. {@code Aborted by admin}. */
    public abstract String getShortDescription();

    /** The stop button ({@code CauseOfInterruption.UserInterruption}). */
    public static final class UserInterruption extends CauseOfInterruption {
        private static final long serialVersionUID = 1L;
        private final String user;

        public UserInterruption(String user) {
            this.user = user;
        }

        @Override
        public String getShortDescription() {
            return "Aborted by " + user;
        }
    }
}
