/**
 * Optimisation pieces shared by the models' solvers: the backtracking Armijo
 * {@link dev.profilekit.models.optim.LineSearch}. Internal: not exported by the module.
 */
package dev.profilekit.models.optim;
