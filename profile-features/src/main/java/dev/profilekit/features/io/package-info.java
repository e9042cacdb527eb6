/**
 * The one JSON codec of ProfileKit's saved documents, {@link dev.profilekit.features.io.JsonCodec}: the
 * {@code "format"}/{@code "version"} header, exact round trips of finite doubles, and one rule for NaN
 * ({@code null}) and infinities ({@code "Infinity"}, {@code "-Infinity"}).
 */
package dev.profilekit.features.io;
