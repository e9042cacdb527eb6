/** ProfileKit models. */
package dev.profilekit.models;
