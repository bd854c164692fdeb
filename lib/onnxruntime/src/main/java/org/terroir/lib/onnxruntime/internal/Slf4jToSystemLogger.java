package org.terroir.lib.onnxruntime.internal;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Sends the log of the DJL classes copied into this bundle to {@link System.Logger}, the platform's logging.
 * The slf4j copied in with them is private and finds this provider through this bundle's
 * {@code META-INF/services}. DJL's INFO chatter (platform detection, library extraction) becomes DEBUG.
 */
public final class Slf4jToSystemLogger implements SLF4JServiceProvider {
    private final ILoggerFactory loggers = Bridge::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to set up
    }

    private static final class Bridge extends LegacyAbstractLogger {
        private static final long serialVersionUID = 1L;
        private final transient System.Logger target;

        private final boolean quiet;

        Bridge(String name) {
            this.name = name;
            this.target = System.getLogger(name);
            // DJL's CUDA probe warns about any half-installed CUDA; the tokenizer runs on the CPU regardless.
            this.quiet = name.startsWith("ai.djl.util.cuda");
        }

        private System.Logger.Level map(Level level) {
            if (quiet && level != Level.ERROR) {
                return System.Logger.Level.DEBUG;
            }
            return switch (level) {
                case ERROR -> System.Logger.Level.ERROR;
                case WARN -> System.Logger.Level.WARNING;
                case INFO, DEBUG -> System.Logger.Level.DEBUG;
                case TRACE -> System.Logger.Level.TRACE;
            };
        }

        @Override
        public boolean isTraceEnabled() {
            return target.isLoggable(System.Logger.Level.TRACE);
        }

        @Override
        public boolean isDebugEnabled() {
            return target.isLoggable(System.Logger.Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return target.isLoggable(System.Logger.Level.DEBUG);
        }

        @Override
        public boolean isWarnEnabled() {
            return target.isLoggable(map(Level.WARN));
        }

        @Override
        public boolean isErrorEnabled() {
            return target.isLoggable(System.Logger.Level.ERROR);
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] args,
                Throwable thrown) {
            String text = MessageFormatter.basicArrayFormat(pattern, args);
            if (thrown == null) {
                target.log(map(level), text);
            } else {
                target.log(map(level), text, thrown);
            }
        }
    }
}
