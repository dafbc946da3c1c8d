package io.hypatia.it;

import io.hypatia.grpc.v1.HypatiaServiceGrpc;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.rules.ExternalResource;

/**
 * The real service of {@link ServiceFixture} for a whole test class, as a JUnit class rule:
 * started before the class's first test and stopped after its last (one service per class).
 * <pre>{@code @ClassRule public static final ServiceRule fixture = new ServiceRule();}</pre>
 */
public final class ServiceRule extends ExternalResource {
    private ServiceFixture fixture;

    @Override
    protected void before() throws Exception {
        fixture = ServiceFixture.start();
    }

    @Override
    protected void after() {
        try {
            fixture.close();
        } catch (IOException e) {
            throw new UncheckedIOException("could not remove the service's work folder", e);
        }
    }

    public int port() {
        return fixture.port();
    }

    public HypatiaServiceGrpc.HypatiaServiceBlockingStub stub() {
        return fixture.stub();
    }
}
