package io.hypatia.benchmark.yahpo.internal;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A YAHPO surrogate ({@code model.onnx}) in an ONNX Runtime session: two inputs, a categorical
 * int32 tensor {@code [batch, n_cat]} and a continuous float32 tensor {@code [batch, n_cont]} in
 * that order, one float output {@code [batch, n_targets]}. The session runs single-threaded (a
 * batch of one is faster without a thread pool, and the answer does not depend on the thread
 * count) and is safe for concurrent use; {@link #close()} waits for running predictions. The same
 * input gives the same output on one machine, but not to the last bit across CPUs: ONNX Runtime
 * picks its matrix kernels by instruction set (AVX2, AVX-512, ...), so a benchmark run repeated on
 * another CPU can follow a slightly different path.
 */
final class Surrogate implements AutoCloseable {
    private final Path file;
    private final OrtEnvironment env;
    private final OrtSession session;
    private final String catInput;
    private final String contInput;
    private final int nCat;
    private final int nCont;
    private final int nTargets;
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private boolean closed;

    private Surrogate(Path file, OrtEnvironment env, OrtSession session, String catInput, String contInput, int nCat, int nCont, int nTargets) {
        this.file = file;
        this.env = env;
        this.session = session;
        this.catInput = catInput;
        this.contInput = contInput;
        this.nCat = nCat;
        this.nCont = nCont;
        this.nTargets = nTargets;
    }

    /**
     * Opens {@code model} and checks that its input and output widths are those of {@code scenario};
     * a surrogate of another YAHPO version fails here with a message naming both layouts.
     */
    static Surrogate open(Path model, Scenario scenario) throws IOException {
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession session = null;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            session = env.createSession(model.toString(), options);
            List<NodeInfo> inputs = new ArrayList<>(session.getInputInfo().values());
            List<NodeInfo> outputs = new ArrayList<>(session.getOutputInfo().values());
            if (inputs.size() != 2 || outputs.size() != 1) {
                throw new IOException(model + ": expected a YAHPO surrogate with 2 inputs (categorical, continuous) and 1 output, found "
                        + inputs.size() + " inputs and " + outputs.size() + " outputs");
            }
            int nCat = width(inputs.get(0), model, "categorical input");
            int nCont = width(inputs.get(1), model, "continuous input");
            int nTargets = width(outputs.get(0), model, "output");
            int wantCat = scenario.categoricalInputs().size(), wantCont = scenario.continuousInputs().size(), wantTargets = scenario.targets().size();
            if (nCat != wantCat || nCont != wantCont || nTargets != wantTargets) {
                throw new IOException(model + ": surrogate has " + nCat + " categorical, " + nCont + " continuous inputs and " + nTargets
                        + " outputs; this bundle knows the YAHPO Gym v1.0 layout of " + scenario.id() + ": " + wantCat + " categorical "
                        + scenario.categoricalInputs() + ", " + wantCont + " continuous " + scenario.continuousInputs() + ", "
                        + wantTargets + " targets " + scenario.targets() + ". Use the v1.0 model.onnx of yahpo_data.");
            }
            Surrogate s = new Surrogate(model, env, session, inputs.get(0).getName(), inputs.get(1).getName(), nCat, nCont, nTargets);
            session = null; // owned by s now
            return s;
        } catch (OrtException e) {
            throw new IOException(model + ": ONNX Runtime cannot load the surrogate: " + e.getMessage(), e);
        } finally {
            if (session != null) {
                try {
                    session.close();
                } catch (OrtException ignored) {
                    // nothing more to do
                }
            }
        }
    }

    private static int width(NodeInfo node, Path model, String what) throws IOException {
        if (!(node.getInfo() instanceof TensorInfo t) || t.getShape().length != 2 || t.getShape()[1] < 0) {
            throw new IOException(model + ": " + what + " '" + node.getName() + "' is not a [batch, n] tensor: " + node.getInfo());
        }
        return (int) t.getShape()[1];
    }

    /**
     * Predicts a batch: {@code cat} holds {@code rows * nCat} codes and {@code cont} {@code rows * nCont}
     * values, row after row; returns {@code rows * nTargets} predictions the same way.
     */
    float[] predict(int[] cat, float[] cont, int rows) {
        if (cat.length != rows * nCat || cont.length != rows * nCont) {
            throw new IllegalArgumentException("expected " + rows + " x " + nCat + " codes and " + rows + " x " + nCont
                    + " values, got " + cat.length + " and " + cont.length);
        }
        lock.readLock().lock();
        try {
            if (closed) {
                throw new IllegalStateException("surrogate " + file + " is closed (its bundle was stopped)");
            }
            try (OnnxTensor c = OnnxTensor.createTensor(env, IntBuffer.wrap(cat), new long[] {rows, nCat});
                    OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(cont), new long[] {rows, nCont});
                    OrtSession.Result result = session.run(Map.of(catInput, c, contInput, x))) {
                OnnxTensor out = (OnnxTensor) result.get(0);
                FloatBuffer buffer = out.getFloatBuffer();
                float[] y = new float[rows * nTargets];
                buffer.get(y);
                return y;
            } catch (OrtException e) {
                throw new IllegalStateException("surrogate " + file + " failed: " + e.getMessage(), e);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    int targets() {
        return nTargets;
    }

    @Override
    public void close() {
        lock.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } catch (OrtException e) {
            System.err.println("hypatia-benchmark-yahpo: closing " + file + ": " + e.getMessage());
        } finally {
            lock.writeLock().unlock();
        }
    }
}
