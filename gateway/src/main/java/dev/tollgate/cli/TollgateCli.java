package dev.tollgate.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code tollgate} command: {@code serve}, {@code demo}, {@code config check}, {@code usage}, {@code keys}, {@code bench}, {@code cache eval}, {@code router eval|train}. */
@Command(name = "tollgate", mixinStandardHelpOptions = true, version = "tollgate 0.1.0",
        description = "A self-hosted LLM gateway: metering, budgets, routing, fallback and caching.",
        subcommands = {ServeCommand.class, DemoCommand.class, ConfigCommand.class, UsageCommand.class, KeysCommand.class,
                BenchCommand.class, CacheCommand.class, RouterCommand.class})
public final class TollgateCli implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        int code = new CommandLine(new TollgateCli()).execute(args);
        if (code != 0) {
            System.exit(code);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
