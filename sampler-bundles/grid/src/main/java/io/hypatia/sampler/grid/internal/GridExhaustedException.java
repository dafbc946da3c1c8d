package io.hypatia.sampler.grid.internal;

import io.hypatia.api.sampler.SearchSpaceExhaustedException;

/**
 * Thrown when the trial number lies past the end of the grid. It is the API's
 * {@link SearchSpaceExhaustedException}: the engine refuses the Ask with OUT_OF_RANGE and this
 * message instead of sampling at random, so a grid study ends with a clear answer.
 */
public class GridExhaustedException extends SearchSpaceExhaustedException {
    private static final long serialVersionUID = 1L;
    private final long gridSize;

    GridExhaustedException(long gridSize, int trialNumber) {
        super("the grid of " + gridSize + " points is exhausted (trial number " + trialNumber
                + " has no grid point; trials 0.." + (gridSize - 1) + " covered it); "
                + "stop the study at " + gridSize + " trials or enlarge the grid");
        this.gridSize = gridSize;
    }

    /** Number of points of the grid. */
    public long gridSize() {
        return gridSize;
    }
}
