package dev.squall.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The {@code squall} command. */
@Command(name = "squall", mixinStandardHelpOptions = true, versionProvider = SquallCommand.Version.class,
        description = "Squall: annotated Java kernels JIT-compiled for GPUs, OpenCL devices and the JVM.",
        subcommands = {DevicesCommand.class, CompileCommand.class, RunSampleCommand.class, DemoCommand.class,
                TokenizeCommand.class, MakeModelCommand.class, GenerateCommand.class, ChatCommand.class, CommandLine.HelpCommand.class})
public final class SquallCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = {"-v", "--verbose"}, description = "Log debug details to stderr.", scope = CommandLine.ScopeType.INHERIT)
    void verbose(boolean on) {
        if (on) {
            ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.DEBUG);
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests. */
    public static CommandLine commandLine() {
        return new CommandLine(new SquallCommand())
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr().println("squall: " + e.getMessage());
                    if (LoggerFactory.getLogger(SquallCommand.class).isDebugEnabled()) {
                        e.printStackTrace(cmd.getErr());
                    }
                    return 1;
                });
    }

    /** Reads the version Maven wrote into the jar. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties properties = new Properties();
            try (InputStream in = SquallCommand.class.getResourceAsStream("/squall-version.properties")) {
                if (in != null) {
                    properties.load(in);
                }
            }
            return new String[] {"squall " + properties.getProperty("version", "unknown") + " (Java "
                    + Runtime.version() + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")"};
        }
    }
}
