package io.hypatia.it;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * Issue 11 findings 8 and 9 and the bind rule, on the real `hypatia serve` command: a second
 * service on a data folder in use, a busy port and a non-loopback address without authentication
 * each exit non-zero with one clear line and no stack trace.
 */
public class ServeCommandIT {
    private static Path work;
    private static Path deploy;

    @BeforeClass
    public static void folders() throws Exception {
        work = Files.createTempDirectory("hypatia-serve");
        deploy = ServiceFixture.deployWithRandomSampler(work);
    }

    @AfterClass
    public static void clean() throws Exception {
        ServiceFixture.deleteTree(work);
    }

    private static void assertOneClearLine(ChildService child, String expected) {
        List<String> lines = List.copyOf(child.output);
        assertTrue("no stack trace: " + lines, lines.stream().noneMatch(l -> l.startsWith("\tat ") || l.contains("Exception")));
        List<String> errors = lines.stream().filter(l -> l.startsWith("hypatia: ")).toList();
        assertEquals("one line: " + lines, 1, errors.size());
        assertTrue(errors.get(0), errors.get(0).contains(expected));
    }

    @Test
    public void aSecondServiceOnTheSameDataFolderExitsWithAClearMessage() throws Exception {
        Path data = work.resolve("shared-data");
        ChildService first = ChildService.start(data, deploy, "--port", "0");
        try {
            first.awaitServing();
            ChildService second = ChildService.start(data, deploy, "--port", "0");
            assertEquals(1, second.awaitExit());
            assertOneClearLine(second, "is in use by another hypatia service (pid " + first.process.pid() + ")");
            assertTrue(first.process.isAlive());
        } finally {
            first.stop();
        }
        // The lock dies with its holder, even by SIGKILL: the folder can be served again.
        ChildService third = ChildService.start(data, deploy, "--port", "0");
        try {
            third.awaitServing();
            third.kill();
            ChildService fourth = ChildService.start(data, deploy, "--port", "0");
            fourth.awaitServing();
            fourth.stop();
        } finally {
            third.kill();
        }
    }

    @Test
    public void aBusyPortExitsNonZeroWithOneLine() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChildService child = ChildService.start(work.resolve("busy-data"), deploy, "--port", String.valueOf(busy.getLocalPort()));
            assertEquals(1, child.awaitExit());
            assertOneClearLine(child, "the port is already in use");
        }
    }

    @Test
    public void aNonLoopbackAddressWithoutTokensIsRefusedUnlessInsecure() throws Exception {
        ChildService child = ChildService.start(work.resolve("open-data"), deploy, "--host", "0.0.0.0", "--port", "0");
        assertEquals(1, child.awaitExit());
        assertOneClearLine(child, "refusing to serve on 0.0.0.0");
        ChildService insecure = ChildService.start(work.resolve("open-data"), deploy, "--host", "0.0.0.0", "--port", "0", "--insecure");
        try {
            assertTrue(insecure.awaitServing() > 0);
        } finally {
            insecure.stop();
        }
        assertFalse(insecure.process.isAlive());
    }
}
