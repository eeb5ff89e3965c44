package dev.tollgate.cli;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import dev.tollgate.config.ObservabilityConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Switches the log on stderr ({@code logback.xml}'s {@code STDERR} appender) to the configured format
 * before the gateway starts. {@code json} is Logback's own {@link JsonEncoder}: one object per line with
 * {@code timestamp} (epoch milliseconds), {@code level}, {@code threadName}, {@code loggerName},
 * {@code mdc} (the request's {@code request_id}, {@code route}, {@code org}, and on access lines
 * {@code status} and {@code latency_ms}), {@code formattedMessage} and {@code throwable}.
 */
final class StderrLog {

    static final String APPENDER = "STDERR";

    private StderrLog() {
    }

    static void use(ObservabilityConfig.LogFormat format) {
        if (format == ObservabilityConfig.LogFormat.TEXT || !(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(APPENDER);
        if (!(appender instanceof ConsoleAppender<ILoggingEvent> console)) {
            return;
        }
        Encoder<ILoggingEvent> encoder = json(context);
        console.stop();
        console.setEncoder(encoder);
        console.start();
    }

    private static JsonEncoder json(LoggerContext context) {
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.start();
        return json;
    }
}
