package dev.profilekit.core.engine;

import dev.profilekit.core.spi.UserView;

/**
 * One user's state as a {@link ProfileKernel} keeps it for its host ({@link ProfileKernel#newState},
 * {@link ProfileKernel#decode}): an opaque handle the host stores by key and passes back to the kernel, which alone
 * reads and changes it. Of its contents the host sees only what a live model sees ({@link UserView}: the user, the
 * time of its latest applied event, the models' per-user state); everything else goes through the kernel's methods
 * and its codec ({@link ProfileKernel#encode}). The engine's state is its only implementation. A state must be used
 * by one thread at a time.
 */
public sealed interface KernelState extends UserView permits ProfileState {
}
