/** ProfileKit core. */
package dev.profilekit.core;
