/**
 * ONNX export: a trained {@link dev.scratchnet.nn.Network} written as an ONNX inference graph (opset 17)
 * that ONNX Runtime runs in Java, C#, C++, the browser or on phones. Depends on {@code nn}, {@code io} and
 * {@code tensor} of the core, and on ONNX's protobuf classes (from {@code tribuo-util-onnx}); the core does
 * not depend on this module.
 */
package dev.scratchnet.onnx;
