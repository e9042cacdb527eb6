/**
 * JSON support shared by the models: the {@code "format"}/{@code "version"} header every model document
 * starts with, {@link dev.profilekit.models.ModelInfo} provenance, and exact round-tripping arrays of
 * doubles, ints and strings. See {@link dev.profilekit.models.io.ModelJson}.
 */
package dev.profilekit.models.io;
