package dev.streetnum.data;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The shipped logback.xml, read into a context of its own (other modules' tests bring a logback-test.xml). */
class LoggingConfigTest {

    private static LoggerContext shipped() throws Exception {
        URL config = LoggingConfigTest.class.getClassLoader().getResource("logback.xml");
        assertNotNull(config, "logback.xml on the class path");
        LoggerContext context = new LoggerContext();
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(config);
        return context;
    }

    /** streetnum batch's refusal of bad input is its only line: no Hadoop notice about native libraries first. */
    @Test
    void hadoopsNativeLibraryNoticeIsNotPrinted() throws Exception {
        LoggerContext context = shipped();
        assertFalse(context.getLogger("org.apache.hadoop.util.NativeCodeLoader").isWarnEnabled());
        assertTrue(context.getLogger("org.apache.hadoop.fs.FileSystem").isWarnEnabled(), "Hadoop's other warnings stay");
        assertTrue(context.getLogger("dev.streetnum.batch.ExecutorModels").isInfoEnabled(), "our own classes log at INFO");
    }
}
