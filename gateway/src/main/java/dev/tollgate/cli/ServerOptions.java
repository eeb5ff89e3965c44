package dev.tollgate.cli;

import dev.tollgate.config.ConfigException;
import dev.tollgate.config.TollgateConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options shared by {@code serve} and {@code demo}; flags win over the file and the environment. */
final class ServerOptions {

    @Option(names = "--port", paramLabel = "N", description = "Port to listen on (default: TOLLGATE_PORT or 4000).")
    Integer port;

    @Option(names = "--data", paramLabel = "DIR", description = "Data directory for the SQLite ledger (default: ./data).")
    Path data;

    TollgateConfig apply(TollgateConfig config) {
        TollgateConfig out = config;
        if (port != null) {
            if (port < 0 || port > 65535) {
                throw new ConfigException("--port: " + port + " (expected: 0 to 65535)");
            }
            out = out.withPort(port);
        }
        if (data != null) {
            out = out.withDataDir(data);
        }
        return out;
    }
}
