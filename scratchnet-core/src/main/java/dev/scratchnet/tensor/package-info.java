/**
 * Dense float matrices and the matrix-multiply kernels that everything above is built on.
 *
 * <p>All matrices are row-major {@code float[]} arrays. {@link dev.scratchnet.tensor.MatMul} names the three
 * products backpropagation needs (A·B, Aᵀ·B, A·Bᵀ); {@link dev.scratchnet.tensor.ReferenceMatMul} is the
 * plain-Java reference and fallback, {@code VectorMatMul} the SIMD kernel (Vector API), and
 * {@link dev.scratchnet.tensor.Compute} picks one and spreads large products over a fixed thread pool.
 *
 * <p>Also the few things every layer above shares: {@link dev.scratchnet.tensor.Shape} (an example's
 * channels × rows × cols) and {@link dev.scratchnet.tensor.Names} (enum value names).
 *
 * <p>Depends on nothing but the JDK. Every other package may depend on this one.
 */
package dev.scratchnet.tensor;
