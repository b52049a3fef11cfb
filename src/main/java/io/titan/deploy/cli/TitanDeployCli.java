package io.titan.deploy.cli;

/** Placeholder entry point; replaced by the picocli command tree. */
public final class TitanDeployCli {
    private TitanDeployCli() {
    }

    public static void main(String[] args) {
        System.out.println("titan-deploy");
    }
}
