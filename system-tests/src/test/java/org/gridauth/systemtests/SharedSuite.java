package org.gridauth.systemtests;

import java.nio.file.Path;
import java.time.Duration;

import org.gridauth.gsi.testing.GridTools;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One running suite for every system test of the JVM: 'gridauth up' takes some 40 s, so the first test class that
 * asks for a {@link RunningSuite} parameter starts it and the others reuse it; it is kept in JUnit's root store, which
 * stops it (as Ctrl-C would) when the whole test run ends. Its home and output are in target/suite-home*.
 * Tests therefore share state: each must work whatever the others did before it (ScenarioATest revokes taro's
 * certificate, for example).
 */
final class SharedSuite implements ParameterResolver {

    static final Path HOME = Path.of("target", "suite-home").toAbsolutePath();
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedSuite.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RunningSuite.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(RunningSuite.class, key -> start(), Started.class).suite();
    }

    private static Started start() {
        GridTools.require("softhsm2-util", "softhsm2");
        try {
            return new Started(RunningSuite.start(HOME, Duration.ofSeconds(240)));
        } catch (Exception e) {
            throw new IllegalStateException("the shared suite did not start: " + e.getMessage(), e);
        }
    }

    /** Closed by JUnit at the end of the run. */
    private record Started(RunningSuite suite) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Throwable {
            suite.close();
        }
    }
}
