package io.titan.jenkins;

import groovy.lang.Closure;

/** Pipeline step implementations written in Java, as the Groovy closures JenkinsPipelineUnit registers. */
final class Steps {

    private Steps() {
    }

    /** A step body: receives the call's arguments. */
    @FunctionalInterface
    interface Body {
        Object run(Object[] args) throws Exception;
    }

    /** Wraps {@code body} as a closure; checked exceptions are rethrown unchanged (Groovy does not check them). */
    static Closure<Object> of(Object owner, Body body) {
        return new Closure<Object>(owner) {
            private static final long serialVersionUID = 1L;

            @SuppressWarnings("unused")
            public Object doCall(Object... args) {
                try {
                    return body.run(args);
                } catch (RuntimeException | Error e) {
                    throw e;
                } catch (Exception e) {
                    throw Steps.<RuntimeException>sneaky(e);
                }
            }
        };
    }

    /** Throws {@code e} unchanged, checked or not (Groovy does not check exceptions; Jenkins' steps throw them). */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> E sneaky(Throwable e) throws E {
        throw (E) e;
    }
}
