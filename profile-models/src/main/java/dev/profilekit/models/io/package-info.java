/**
 * Model-specific JSON: {@link dev.profilekit.models.ModelInfo} provenance in a model document
 * ({@link dev.profilekit.models.io.ModelInfoJson}). Everything else (the format/version header, doubles, ints,
 * strings and the NaN/infinity rule) is the shared {@link dev.profilekit.features.io.JsonCodec}. Internal: not
 * exported by the module.
 */
package dev.profilekit.models.io;
