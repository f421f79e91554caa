/**
 * Model files in the safetensors layout (an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte offsets, then raw little-endian float32), so Python's safetensors library
 * reads our weights. The header's {@code __metadata__} carries the architecture and how the model was made.
 *
 * <p>Depends on {@code nn} and {@code tensor}, and on jackson-core for JSON.
 */
package dev.scratchnet.io;
