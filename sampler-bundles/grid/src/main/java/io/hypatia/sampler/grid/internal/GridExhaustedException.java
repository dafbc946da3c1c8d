package io.hypatia.sampler.grid.internal;

/**
 * Thrown when the trial number lies past the end of the grid. The engine treats it like any
 * sampler failure: it logs it, counts it and samples that trial uniformly at random instead,
 * so a study that asks for more trials than the grid holds continues with random search.
 */
public class GridExhaustedException extends IllegalStateException {
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
