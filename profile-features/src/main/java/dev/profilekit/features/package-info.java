/** ProfileKit features. */
package dev.profilekit.features;
