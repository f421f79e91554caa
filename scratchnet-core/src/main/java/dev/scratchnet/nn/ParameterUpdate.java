package dev.scratchnet.nn;

import dev.scratchnet.tensor.Compute;

/**
 * An optimizer's step taken inside backpropagation: each parameter is updated from its stored gradient as
 * soon as that gradient is complete, instead of in a pass over every parameter afterwards, so that a dense
 * layer's weights are updated block by block while its weight-gradient product runs ({@link Backprop#run(
 * Compute, float[], int[], int, Cost, ParameterUpdate)}). The values are those of storing every gradient
 * first and updating after: each element's update reads only that element's gradient and state, and BP2 has
 * used a layer's weights before they change.
 */
public interface ParameterUpdate {

    /** Updates all of {@code p} from its gradient (split across the compute pool when large). */
    void update(Compute compute, Parameter p);

    /**
     * Prepares the update of {@code p} and returns it over ranges [from, to) of p's elements, whose gradient
     * must be final when a range runs; ranges may run on any thread of the pool, never two on one element.
     * Valid until the next call of either method.
     */
    Compute.Parts updateOf(Parameter p);
}
